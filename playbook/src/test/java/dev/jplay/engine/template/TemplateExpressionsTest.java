package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expressions with filters inside {@code {{ }}}: text, native values, mustache sections, errors. */
class TemplateExpressionsTest {
    private static final Location AT = new Location(Path.of("site.yml"), 9, 11);
    private final Templater templater = new Templater();
    private final Map<String, Object> vars = new HashMap<>(Map.of(
            "names", List.of("a", "b", "c"),
            "items", List.of(Map.of("name", "x", "port", 80), Map.of("name", "y", "port", 81)),
            "n", 41,
            "env", "prod",
            "derived", "{{ names | join('+') }}"));

    private Object render(String template) {
        return templater.render(template, vars, AT);
    }

    @Test
    void filtersAndExpressionsInText() {
        assertEquals("port=8080 names=a,b,c", render("port={{ port | default(8080) }} names={{ names | join(',') }}"));
        assertEquals("prod-x:42", render("{{ env ~ '-' ~ items[0].name }}:{{ n + 1 }}"));
        assertEquals("A", render("{{ names[0] | upper }}"));
        assertEquals("a+b+c!", render("{{ derived }}!"), "a variable holding an expression template renders lazily");
    }

    @Test
    void oneExpressionKeepsItsType() {
        assertEquals(42, render("{{ n + 1 }}"));
        assertEquals(List.of("x", "y"), render("  {{ items | map(attribute='name') | list }} "));
        assertEquals(Map.of("k", "}}"), render("{{ {'k': '}}'} }}"), "'}}' inside a string or a mapping does not end the tag");
        assertEquals(3, render("{{ names | length }}"));
    }

    @Test
    void expressionsInsideMustacheSectionsSeeTheSectionsValues() {
        assertEquals("X81;Y82;", render("{{#items}}{{ name | upper }}{{ port + 1 }};{{/items}}"));
    }

    @Test
    void undefinedAndUnknownFilterAreLocatedErrors() {
        TemplateException undefined = assertThrows(TemplateException.class, () -> render("x {{ nope | upper }}"));
        assertEquals("nope", undefined.variable());
        assertEquals(AT, undefined.location());
        TemplateException unknown = assertThrows(TemplateException.class, () -> render("{{ names | shout }}"));
        assertTrue(unknown.getMessage().startsWith("site.yml:9:11: "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("unknown filter 'shout'"), unknown.getMessage());
    }

    @Test
    void conditionsShareTheEngine() {
        Expressions expressions = templater.expressions();
        assertTrue(expressions.test("names | length > 2", vars, AT));
        assertTrue(expressions.test("items | selectattr('port', 'equalto', 81) | list | length == 1", vars, AT));
        assertTrue(expressions.test("(undefined_var | default('Debian')) == 'Debian'", vars, AT));
    }
}
