package dev.jplay.engine.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlLoaderTest {
    private static final Path FILE = Path.of("site.yml");
    private final YamlLoader loader = new YamlLoader();

    private PlaybookException error(String yaml) {
        return assertThrows(PlaybookException.class, () -> loader.load(yaml, FILE));
    }

    @Test
    void syntaxErrorIsLocatedOneBasedWithSnakeyamlProblem() {
        PlaybookException e = error("a: 1\nb: c: d\n");
        assertEquals(new Location(FILE, 2, 5), e.location());
        assertTrue(e.getMessage().startsWith("site.yml:2:5: mapping values are not allowed here"), e.getMessage());
    }

    @Test
    void tabIndentationIsLocated() {
        PlaybookException e = error("a:\n\tb: 1\n");
        assertEquals(2, e.location().line());
        assertEquals(1, e.location().column());
        assertTrue(e.problem().contains("Do not use \\t(TAB) for indentation"), e.problem());
    }

    @Test
    void unclosedFlowSequenceMentionsContext() {
        PlaybookException e = error("a: [1, 2\nb: 3\n");
        assertTrue(e.problem().contains("while parsing a flow sequence at 1:4"), e.problem());
        assertEquals(2, e.location().line());
    }

    @Test
    void duplicateKeyIsReportedAtTheDuplicate() {
        PlaybookException e = error("- name: x\n  hosts: all\n  name: y\n");
        assertEquals(new Location(FILE, 3, 3), e.location());
        assertEquals("duplicate key 'name' (first defined at 1:3)", e.problem());
    }

    @Test
    void keysStayStringsValuesFollowYaml11Booleans() {
        YamlMapping m = (YamlMapping) loader.load("on: yes\nyes: off\nq: 'yes'\nt: True\nn: NO\ns: On\n1: x\n", FILE);
        assertEquals(List.of("on", "yes", "q", "t", "n", "s", "1"), List.copyOf(m.keys()));
        Map<String, Object> plain = m.toJava();
        assertEquals(true, plain.get("on"));
        assertEquals(false, plain.get("yes"));
        assertEquals("yes", plain.get("q"));
        assertEquals(true, plain.get("t"));
        assertEquals(false, plain.get("n"));
        assertEquals(true, plain.get("s"));
    }

    @Test
    void plainJavaTypes() {
        Object value = loader.load("i: 3\nl: 10000000000\nf: 1.5\noct: 0755\nnul: ~\nempty:\nd: 2024-01-02\n"
                + "list: [a, 1]\nmap: {k: v}\n", FILE).toJava();
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, value);
        assertEquals(3, m.get("i"));
        assertEquals(10000000000L, m.get("l"));
        assertEquals(1.5, m.get("f"));
        assertEquals(493, m.get("oct"));
        assertTrue(m.containsKey("nul") && m.get("nul") == null && m.get("empty") == null);
        assertEquals("2024-01-02", m.get("d"));
        assertEquals(List.of("a", 1), assertInstanceOf(ArrayList.class, m.get("list")));
        assertEquals(Map.of("k", "v"), assertInstanceOf(LinkedHashMap.class, m.get("map")));
    }

    @Test
    void locationsOfKeysAndValues() {
        YamlMapping root = (YamlMapping) loader.load("# c\ntasks:\n  - name: one\n    command: echo hi\n", FILE);
        YamlSequence tasks = (YamlSequence) root.get("tasks");
        YamlMapping task = (YamlMapping) tasks.items().get(0);
        assertEquals(new Location(FILE, 2, 1), root.keyLocation("tasks"));
        assertEquals(new Location(FILE, 3, 5), task.location());
        assertEquals(new Location(FILE, 4, 5), task.keyLocation("command"));
        assertEquals(new Location(FILE, 4, 14), task.get("command").location());
    }

    @Test
    void arbitraryTypesAndCustomTagsAreRejected() {
        PlaybookException python = error("a: !!python/object/apply:os.system [ls]\n");
        assertEquals(new Location(FILE, 1, 4), python.location());
        assertTrue(python.problem().startsWith("Global tag is not allowed"), python.problem());
        PlaybookException java = error("x: !!javax.script.ScriptEngineManager [1]\n");
        assertTrue(java.problem().startsWith("Global tag is not allowed"), java.problem());
        assertTrue(error("x: !vault abc\n").problem().contains("!vault"));
        assertTrue(error("x: !!binary aGVsbG8=\n").problem().startsWith("unsupported tag"));
    }

    @Test
    void aliasBombIsCapped() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) yaml.append(i == 0 ? "" : ", ").append('*').append(prev);
            yaml.append("]\n");
            prev = c;
        }
        PlaybookException e = error(yaml.toString());
        assertTrue(e.problem().toLowerCase().contains("alias"), e.problem());
    }

    @Test
    void recursiveAliasIsRejected() {
        PlaybookException e = error("a: &x [1, *x]\n");
        assertEquals("recursive alias: a value contains itself", e.problem());
    }

    @Test
    void mergeKeysWithExplicitKeysWinning() {
        Map<String, Object> m = ((YamlMapping) loader.load(
                "base: &b {port: 22, user: root}\nhost: {<<: *b, port: 2222}\n", FILE)).toJava();
        assertEquals(Map.of("port", 2222, "user", "root"), m.get("host"));
    }

    @Test
    void documentSizeIsBounded() {
        YamlLoader small = new YamlLoader(100, 50, 1000);
        PlaybookException e = assertThrows(PlaybookException.class, () -> small.load("a: " + "x".repeat(200), FILE));
        assertEquals(Location.startOf(FILE), e.location());
        assertTrue(e.problem().contains("exceeds the limit"), e.problem());
    }

    @Test
    void expandedNodeCountIsBounded() {
        YamlLoader small = new YamlLoader(YamlLoader.DEFAULT_MAX_CODE_POINTS, 50, 20);
        PlaybookException e = assertThrows(PlaybookException.class,
                () -> small.load("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a]\n", FILE));
        assertTrue(e.problem().startsWith("document expands to more than 20 values"), e.problem());
    }

    @Test
    void loadsFilesAndEmptyDocuments(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("vars.yml");
        Files.writeString(f, "");
        YamlNode empty = loader.load(f);
        assertEquals(null, empty.toJava());
        assertEquals(Location.startOf(f), empty.location());
        assertThrows(IOException.class, () -> loader.load(dir.resolve("missing.yml")));
    }

    @Test
    void moreThanOneDocumentIsAnError() {
        PlaybookException e = error("a: 1\n---\nb: 2\n");
        assertEquals(new Location(FILE, 2, 1), e.location());
        assertEquals("but found another document (expected a single document in the stream at 1:1)", e.problem());
    }

    @Test
    void composedNodesConstructWithYaml11KeysMergesAndStringTimestamps() {
        Object value = loader.construct(loader.compose(
                "base: &b {port: 22, user: root}\nhost: {<<: *b, port: 2222, yes: on, 0755: 1, day: 2024-01-02}\n", FILE), FILE);
        Map<?, ?> host = (Map<?, ?>) ((Map<?, ?>) value).get("host");
        assertEquals(2222, host.get("port"));
        assertEquals("root", host.get("user"));
        assertEquals(true, host.get(true), "keys are typed like values, as PyYAML types them");
        assertEquals(1, host.get(493));
        assertEquals("2024-01-02", host.get("day"));
    }

    @Test
    void constructHasTheLoadersChecks() {
        PlaybookException dup = assertThrows(PlaybookException.class,
                () -> loader.construct(loader.compose("a: 1\nb: 2\na: 3\n", FILE), FILE));
        assertEquals(new Location(FILE, 3, 1), dup.location());
        assertTrue(dup.problem().contains("found duplicate key a"), dup.problem());
        PlaybookException tag = assertThrows(PlaybookException.class,
                () -> loader.construct(loader.compose("a:\n  b: !!binary aGVsbG8=\n", FILE), FILE));
        assertEquals(new Location(FILE, 2, 6), tag.location());
        assertTrue(tag.problem().startsWith("unsupported tag tag:yaml.org,2002:binary"), tag.problem());
        PlaybookException recursive = assertThrows(PlaybookException.class,
                () -> loader.construct(loader.compose("a: &x {b: *x}\n", FILE), FILE));
        assertEquals("recursive alias: a value contains itself", recursive.problem());
        YamlLoader small = new YamlLoader(YamlLoader.DEFAULT_MAX_CODE_POINTS, 50, 20);
        PlaybookException big = assertThrows(PlaybookException.class,
                () -> small.construct(small.compose("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a]\n", FILE), FILE));
        assertEquals(Location.startOf(FILE), big.location(), "located at the value constructed");
        assertEquals("value expands to more than 20 elements through aliases", big.problem());
    }
}
