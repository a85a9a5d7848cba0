package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplaterTest {
    private static final Location AT = new Location(Path.of("site.yml"), 7, 14);
    private final Templater templater = new Templater();
    private final Map<String, Object> vars = new HashMap<>(Map.of(
            "name", "web",
            "item", Map.of("name", "alice", "groups", List.of("adm", "dev")),
            "result", Map.of("stdout", "ok", "rc", 0),
            "ports", List.of(80, 443),
            "html", "<a href=\"x\">&'</a>"));

    private Object render(Object value) {
        return templater.render(value, vars, AT);
    }

    @Test
    void bothSpacingStylesAndDottedPaths() {
        assertEquals("host web alice ok adm 443", render("host {{ name }} {{item.name}} {{ result.stdout }} "
                + "{{ item.groups.0 }} {{ ports[1] }}"));
    }

    @Test
    void noHtmlEscaping() {
        assertEquals("<a href=\"x\">&'</a>!", render("{{ html }}!"));
    }

    @Test
    void undefinedVariableNamesItAndTheLocation() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("echo {{ missing }}"));
        assertEquals("missing", e.variable());
        assertEquals(AT, e.location());
        assertEquals("site.yml:7:14: undefined variable 'missing' in template 'echo {{ missing }}'", e.getMessage());
    }

    @Test
    void undefinedKeyNamesThePath() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("x {{ result.stderr }} y"));
        assertEquals("result.stderr", e.variable());
        assertTrue(e.problem().contains("'result' has no key 'stderr'"), e.problem());
        TemplateException index = assertThrows(TemplateException.class, () -> render("{{ ports.5 }}"));
        assertEquals("ports[5]", index.variable());
        TemplateException scalar = assertThrows(TemplateException.class, () -> render("{{ name.first }}"));
        assertTrue(scalar.problem().contains("'name' is a string, it has no 'first'"), scalar.problem());
    }

    @Test
    void singleExpressionReturnsNativeValues() {
        assertEquals(List.of(80, 443), render("{{ ports }}"));
        assertEquals(0, render("  {{ result.rc }} "));
        assertEquals(vars.get("item"), render("{{item}}"));
        assertEquals("port 80", render("port {{ ports.0 }}"));
    }

    @Test
    void aJinjaStatementInATemplateFileIsAnErrorAtItsLineAndColumn() {
        Path file = Path.of("roles/app/templates/app.conf.j2");
        TemplateException e = assertThrows(TemplateException.class,
                () -> templater.renderFile("name={{ name }}\n  {% for p in ports %}\n{{ p }}\n{% endfor %}\n", vars, file));
        assertEquals(new Location(file, 2, 3), e.location());
        assertTrue(e.problem().startsWith("Jinja statement '{% for p in ports %}' is not supported: templates are Mustache-based"),
                e.problem());
        assertEquals("name=web\n", templater.renderFile("name={{ name }}\n", vars, file));
    }

    @Test
    void aSingleExpressionKeepsTrailingNewlinesOnTextAsAnsibleDoes() {
        assertEquals("web\n", render("{{ name }}\n"), "content: \"{{ name }}\\n\" writes a line");
        assertEquals("d2Vi\n\n", render("{{ name | b64encode }}\n\n"));
        assertEquals("443\n", render("{{ ports.1 }}\n"), "a number is text here, as in Ansible");
        assertEquals(List.of(80, 443), render("{{ ports }}\n"), "a list stays a list");
    }

    @Test
    void collectionsInTextRenderAsJson() {
        assertEquals("ports=[80,443]", render("ports={{ ports }}"));
    }

    @Test
    void rendersRecursivelyAndKeepsTemplateFreeValuesIdentical() {
        Map<String, Object> args = Map.of("src", "{{ name }}.conf", "opts", List.of("-v", "{{ ports }}"), "n", 3);
        assertEquals(Map.of("src", "web.conf", "opts", List.of("-v", List.of(80, 443)), "n", 3), render(args));
        List<Object> plain = new ArrayList<>(List.of("a", Map.of("b", 1)));
        assertSame(plain, render(plain));
    }

    @Test
    void variablesHoldingTemplatesAreRenderedWhenUsed() {
        vars.put("url", "http://{{ name }}:{{ port }}");
        vars.put("port", "{{ ports.1 }}");
        assertEquals("GET http://web:443", render("GET {{ url }}"));
        assertEquals(443, render("{{ port }}"));
    }

    @Test
    void selfReferenceFailsInsteadOfLooping() {
        vars.put("a", "x{{ b }}");
        vars.put("b", "y{{ a }}");
        TemplateException e = assertThrows(TemplateException.class, () -> render("{{ a }}"));
        assertTrue(e.problem().contains("does a variable refer to itself"), e.problem());
    }

    @Test
    void sectionsIterateLists() {
        assertEquals("80;443;", render("{{#ports}}{{.}};{{/ports}}"));
        assertEquals("adm,dev,", render("{{#item.groups}}{{.}},{{/item.groups}}"));
    }

    @Test
    void invalidTemplateAndPartialsAreLocatedErrors() {
        TemplateException bad = assertThrows(TemplateException.class, () -> render("{{ name "));
        assertEquals(AT, bad.location());
        assertTrue(bad.problem().startsWith("invalid template '{{ name '"), bad.problem());
        TemplateException partial = assertThrows(TemplateException.class, () -> render("{{> /etc/passwd}}"));
        assertTrue(partial.problem().contains("partials"), partial.problem());
    }

    @Test
    void definedNullRendersEmpty() {
        vars.put("nothing", null);
        assertEquals("[]", render("[{{ nothing }}]"));
    }
}
