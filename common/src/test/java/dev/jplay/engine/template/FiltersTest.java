package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each filter through the expression engine, as {@code X | f(args)} is written; FiltersAnsibleIT compares with Ansible. */
class FiltersTest {
    private static final Location AT = new Location(Path.of("site.yml"), 4, 9);
    private final Expressions expressions = new Expressions(ValueRenderer.NONE);
    private final Map<String, Object> vars = new HashMap<>();

    FiltersTest() {
        vars.put("names", List.of("web2", "Web1", "db1", "web2"));
        vars.put("port", 8080);
        vars.put("empty", "");
        vars.put("nothing", null);
        vars.put("users", List.of(Map.of("name", "alice", "uid", 1001), Map.of("name", "bob", "uid", 1002, "shell", "/bin/sh")));
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("a", 1);
        base.put("nested", Map.of("x", 1));
        vars.put("base", base);
        vars.put("ip", "10.20.30.40/24");
    }

    private Object eval(String expression) {
        return expressions.value(expression, vars, AT);
    }

    private TemplateException error(String expression) {
        return assertThrows(TemplateException.class, () -> eval(expression), expression);
    }

    @Test
    void defaultAppliesToUndefinedOnlyUnlessItsSecondArgumentIsTrue() {
        assertEquals(8080, eval("missing | default(8080)"));
        assertEquals(8080, eval("missing.deeper[3] | d(8080)"));
        assertEquals("", eval("empty | default('x')"));
        assertEquals("x", eval("empty | default('x', true)"));
        assertNull(eval("nothing | default('x')"), "None is defined");
        assertEquals("x", eval("nothing | default('x', boolean=true)"));
        assertEquals(8080, eval("port | default(1)"));
        assertEquals("fallback", eval("users[7].name | default('fallback')"));
    }

    @Test
    void strictnessStaysWithoutDefault() {
        TemplateException e = error("missing | upper");
        assertEquals("missing", e.variable());
        assertEquals(AT, e.location());
        assertTrue(error("users[0].nope | length").getMessage().contains("nope"));
    }

    @Test
    void unknownFilterIsAnErrorNamingItAndTheLocation() {
        TemplateException e = error("names | frobnicate(1)");
        assertEquals(AT, e.location());
        assertTrue(e.getMessage().startsWith("site.yml:4:9: "), e.getMessage());
        assertTrue(e.getMessage().contains("unknown filter 'frobnicate'"), e.getMessage());
        assertTrue(error("names | ansible.builtin.nope").getMessage().contains("unknown filter 'ansible.builtin.nope'"));
    }

    @Test
    void textFilters() {
        assertEquals("db1,web2", eval("names | sort | unique | reject('match', 'W') | join(',')"));
        assertEquals("WEB2", eval("names[0] | upper"));
        assertEquals("web1", eval("names[1] | lower"));
        assertEquals("w3b2", eval("names[0] | replace('e', '3')"));
        assertEquals("/srv/app", eval("'/srv/app/' | regex_replace('/$', '')"));
        // As written in a playbook (backslashes kept, as Ansible reads them): \w and \1 reach the regex as they are.
        assertEquals("v=2", eval("'x=2' | regex_replace('^(\\w)=', 'v=')"));
        assertEquals("app", eval("'/srv/app/x' | regex_replace('^/srv/(\\w+)/.*$', '\\1')"));
        assertEquals("ap", eval("'/srv/app' | regex_search('a.')"));
        assertEquals(List.of("app"), eval("'/srv/app' | regex_search('/(a\\w+)', '\\1')"));
        assertNull(eval("'abc' | regex_search('z')"));
        assertEquals("8080", eval("port | string"));
        assertEquals("None", eval("nothing | string"));
        assertEquals("d2ViMg==", eval("names[0] | b64encode"));
        assertEquals("web2", eval("'d2ViMg==' | b64decode"));
        assertEquals("b.conf", eval("'/a/b.conf' | basename"));
        assertEquals("/a", eval("'/a/b.conf' | dirname"));
    }

    @Test
    void numbersAndBooleans() {
        assertEquals(43, eval("'42' | int + 1"));
        assertEquals(4, eval("'4.9' | int"));
        assertEquals(0, eval("'x' | int"));
        assertEquals(7, eval("'x' | int(7)"));
        assertEquals(31, eval("'0x1F' | int(base=16)"));
        assertEquals(2.5, eval("'2.5' | float"));
        assertEquals(true, eval("'Yes' | bool"));
        assertEquals(false, eval("'off' | bool"));
        assertEquals(false, eval("nothing | bool"));
    }

    @Test
    void listFilters() {
        assertEquals(4, eval("names | length"));
        assertEquals(2, eval("base | count"));
        assertEquals("web2", eval("names | first"));
        assertEquals(List.of("web2", "Web1", "db1"), eval("names | unique"));
        assertEquals(List.of("db1", "Web1", "web2", "web2"), eval("names | sort"), "case-insensitive, as Jinja's");
        assertEquals(List.of("Web1", "db1", "web2", "web2"), eval("names | sort(case_sensitive=true)"));
        assertEquals("web2", eval("names | max"));
        assertEquals(Map.of("name", "bob", "uid", 1002, "shell", "/bin/sh"), eval("users | max(attribute='uid')"));
        assertEquals(List.of("alice", "bob"), eval("users | map(attribute='name') | list"));
        assertEquals(List.of("/bin/bash", "/bin/sh"), eval("users | map(attribute='shell', default='/bin/bash') | list"));
        assertEquals(List.of("WEB2", "WEB1", "DB1", "WEB2"), eval("names | map('upper') | list"));
        assertEquals(List.of(4, 4, 3, 4), eval("names | map('length') | list"));
        assertEquals(List.of("web2", "web2"), eval("names | select('match', 'web') | list"));
        assertEquals(List.of("Web1", "db1"), eval("names | reject('equalto', 'web2') | list"));
        assertEquals(List.of("bob"), eval("users | selectattr('uid', '>', 1001) | map(attribute='name') | list"));
        assertEquals(List.of("bob"), eval("users | selectattr('shell', 'defined') | map(attribute='name') | list"));
        assertEquals(List.of("alice"), eval("users | rejectattr('shell', 'defined') | map(attribute='name') | list"));
        assertTrue(error("users | map(attribute='shell') | list").getMessage().contains("no attribute 'shell'"));
        assertTrue(error("[] | first").getMessage().contains("empty list"));
        assertTrue(error("port | first").getMessage().contains("needs a list"));
    }

    @Test
    void mappings() {
        assertEquals(Map.of("a", 1, "nested", Map.of("y", 2), "b", 3), eval("base | combine({'nested': {'y': 2}, 'b': 3})"));
        assertEquals(Map.of("a", 1, "nested", Map.of("x", 1, "y", 2)), eval("base | combine({'nested': {'y': 2}}, recursive=true)"));
        assertEquals(List.of(Map.of("key", "a", "value", 1), Map.of("key", "nested", "value", Map.of("x", 1))),
                eval("base | dict2items"));
        assertEquals(Map.of("a", 1, "nested", Map.of("x", 1)), eval("base | dict2items | items2dict"));
        assertEquals(Map.of("n", "x"), eval("[{'k': 'n', 'v': 'x'}] | items2dict(key_name='k', value_name='v')"));
        assertTrue(error("port | combine({})").getMessage().contains("needs a mapping"));
    }

    @Test
    void serialisation() {
        assertEquals("{\"a\": 1, \"nested\": {\"x\": 1}}", eval("base | to_json"));
        assertEquals("{\n    \"a\": 1,\n    \"nested\": {\n        \"x\": 1\n    }\n}", eval("base | to_nice_json"));
        assertEquals(Map.of("k", List.of(1, true)), eval("'{\"k\": [1, true]}' | from_json"));
        assertEquals("a: 1\nnested: {x: 1}\n", eval("base | to_yaml"));
        assertEquals(Map.of("a", List.of("x")), eval("'a: [x]' | from_yaml"));
        assertTrue(error("'{broken' | from_json").getMessage().contains("from_json"));
    }

    @Test
    void ipaddrBasics() {
        assertEquals("10.20.30.40", eval("ip | ansible.utils.ipaddr('address')"));
        assertEquals("10.20.30.0", eval("ip | ipaddr('network')"));
        assertEquals(24, eval("ip | ipaddr('prefix')"));
        assertEquals("255.255.255.0", eval("ip | ipaddr('netmask')"));
        assertEquals("10.20.30.0/24", eval("ip | ipaddr('cidr')"));
        assertEquals("10.20.30.5/24", eval("'10.20.30.0/24' | ipaddr(5)"));
        assertEquals(false, eval("'300.1.1.1' | ipaddr"));
        assertNull(eval("ip | ipaddr('net')"), "a host address is not a network");
        assertEquals("2001:db8::", eval("'2001:db8::5/64' | ipaddr('network')"));
        assertEquals(List.of("10.0.0.1"), eval("['10.0.0.1', 'web'] | ipaddr"));
        assertTrue(error("ip | ipaddr('colour')").getMessage().contains("unsupported query 'colour'"));
    }

    @Test
    void expressionsAroundFilters() {
        assertEquals(true, eval("names | length > 2"));
        assertEquals("web2-8080", eval("names[0] ~ '-' ~ port"));
        assertEquals("many", eval("'many' if names | length > 2 else 'few'"));
        assertEquals(List.of(0, 1, 2), eval("range(3) | list"));
        assertEquals(true, eval("'2.10' is version('2.9', '>')"));
        assertFalse((Boolean) eval("names is not defined"));
        assertEquals("", eval("empty"), "a variable named like a JEXL word");
    }

    @Test
    void pythonMethodsOfStringsAndMappings() {
        assertEquals(List.of("a", "b", "", "c"), eval("'a,b,,c'.split(',')"));
        assertEquals(List.of("a", "b"), eval("' a  b '.split()"));
        assertEquals(true, eval("names[0].startswith('web') and ip.endswith('/24')"));
        assertEquals("x", eval("'  x '.strip()"));
        assertEquals("WEB2-8080", eval("(names[0] ~ '-' ~ port).upper()"));
        assertEquals("a-b", eval("'-'.join(['a', 'b'])"));
        assertEquals(List.of("a", "nested"), eval("base.keys() | list"));
        assertEquals(1, eval("base.get('a', 5)"));
        assertEquals(5, eval("base.get('zz', 5)"));
        assertEquals(2, eval("names[0].split('e') | length"));
        assertTrue(error("port.split(',')").getMessage().contains("has no method 'split'"));
        assertTrue(error("names.clear()").getMessage().contains("method"), "other methods stay refused");
    }

    @Test
    void firstLastMinMaxOfAnEmptyListAreUndefinedAsInJinja() {
        assertEquals("none", eval("[] | first | default('none')"));
        assertEquals("none", eval("users | selectattr('name', 'equalto', 'carol') | list | last | d('none')"));
        assertEquals(false, eval("([] | max) is defined"));
        assertEquals(1001, eval("(users | map(attribute='uid') | list | min) | default(0)"));
        assertTrue(error("[] | first").getMessage().contains("filter 'first' on an empty list"));
    }

    @Test
    void stringLiteralsKeepTheirBackslashesAsAnsibleReadsThemInAPlaybook() {
        // ansible-playbook 2.14, msg: '{{ [''a'', ''b''] | join(''\n'') }}' prints "a\\nb" (Ansible doubles backslashes
        // inside an expression's literals before Jinja unescapes them); a raw line break inside the quotes is one.
        assertEquals("a\\nb", eval("['a', 'b'] | join('\\n')"));
        assertEquals("a\nb", eval("['a', 'b'] | join('\n')"), "a raw newline inside the quotes (YAML's \"\\n\")");
        assertEquals("nginx", eval("'/etc/nginx/x' | regex_replace('^/etc/(\\w+)/.*$', '\\1')"));
        assertEquals("\\d+", eval("'\\d+'"));
    }
}
