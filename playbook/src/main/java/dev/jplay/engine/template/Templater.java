package dev.jplay.engine.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.reflect.AbstractObjectHandler;
import com.github.mustachejava.util.Wrapper;
import dev.jplay.engine.yaml.Location;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders {@code {{ var }}} templates with mustache.java, made strict and unescaped.
 *
 * <ul>
 *   <li>An undefined variable or key is a {@link TemplateException} naming it and the location, never "".
 *   <li>No HTML escaping; mappings and lists inside text render as JSON; a defined null renders as "".
 *   <li>A tag holds a variable path ({@code {{ item.name }}}) or a Jinja expression with filters
 *       ({@code {{ port | default(8080) }}}, {@code {{ a ~ '-' ~ b }}}), evaluated by the condition engine
 *       ({@link Expressions#value}) with the variables and the mustache sections around it; mustache sections
 *       ({@code {{#items}}...{{/items}}}) keep working around both.
 *   <li>A string that is exactly one {@code {{ expression }}} yields the native value (list, map, number...), as
 *       in Ansible; followed by newlines (a YAML block scalar, {@code "{{ x }}\n"}) it yields the text and the
 *       newlines, unless the value is a mapping, list or boolean (Ansible's rule: Jinja drops one newline and Ansible
 *       puts it back on text only).
 *   <li>Variable values are themselves rendered when used ({@code a: "{{ b }}"}), lazily like Ansible; a cycle
 *       fails after {@value #MAX_DEPTH} levels.
 *   <li>Only maps and lists are navigated (no reflection on Java objects); partials are disabled.
 * </ul>
 * Thread-safe; compiled templates are cached by text.
 */
public final class Templater implements ValueRenderer {
    static final int MAX_DEPTH = 20;
    private static final int CACHE_LIMIT = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StrictFactory factory = new StrictFactory();
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();
    private final Expressions expressions;

    /** Lookups on the controller ({@link ControllerLookups}). */
    public Templater() {
        this.expressions = new Expressions(this, new ControllerLookups(this));
    }

    public Templater(Lookups lookups) {
        this.expressions = new Expressions(this, lookups);
    }

    /** The condition engine this templater evaluates expressions with (same lookups), for {@code when:} etc. */
    public Expressions expressions() {
        return expressions;
    }

    /** True when {@code s} contains template syntax and needs rendering. */
    public static boolean isTemplate(String s) {
        return s.contains("{{");
    }

    /**
     * Renders strings inside {@code value} (recursively through maps and lists). Values without templates are
     * returned as the same instance, so rendering template-free data allocates nothing.
     */
    @Override
    public Object render(Object value, Map<String, Object> vars, Location where) {
        return render(value, new RenderContext(vars, where, 0));
    }

    /** Renders one string to text (a native value from a single expression is converted to text). */
    public String renderString(String template, Map<String, Object> vars, Location where) {
        Object out = render(template, vars, where);
        return out instanceof String s ? s : stringify(out);
    }

    /**
     * Renders a template file's text (the {@code template} module, the {@code template} lookup). Jinja statements
     * ({@code {% if %}}, {@code {% for %}}) are not supported — templates are Mustache-based — so one is an error at
     * its {@code file:line:col} rather than text copied as it is.
     */
    public String renderFile(String text, Map<String, Object> vars, Path file) {
        int at = text.indexOf("{%");
        if (at >= 0) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int end = text.indexOf("%}", at);
            String statement = end < 0 ? text.substring(at, Math.min(text.length(), at + 40)) : text.substring(at, end + 2);
            throw new TemplateException(new Location(file, line, at - lineStart + 1), "Jinja statement '" + statement
                    + "' is not supported: templates are Mustache-based; use a section ({{#list}}...{{/list}}),"
                    + " an inline if/else ({{ 'a' if x else 'b' }}) or a filter such as join");
        }
        return renderString(text, vars, Location.startOf(file));
    }

    private Object render(Object value, RenderContext ctx) {
        if (value instanceof String s) return isTemplate(s) ? renderText(s, ctx) : s;
        if (value instanceof Map<?, ?> map) return renderMap(map, ctx);
        if (value instanceof List<?> list) return renderList(list, ctx);
        return value;
    }

    private Object renderMap(Map<?, ?> map, RenderContext ctx) {
        Map<Object, Object> copy = null;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object rendered = render(e.getValue(), ctx);
            if (rendered != e.getValue() && copy == null) copy = new LinkedHashMap<>(map);
            if (copy != null) copy.put(e.getKey(), rendered);
        }
        return copy == null ? map : copy;
    }

    private Object renderList(List<?> list, RenderContext ctx) {
        List<Object> copy = null;
        for (int i = 0; i < list.size(); i++) {
            Object rendered = render(list.get(i), ctx);
            if (rendered != list.get(i) && copy == null) copy = new ArrayList<>(list);
            if (copy != null) copy.set(i, rendered);
        }
        return copy == null ? list : copy;
    }

    private Object renderText(String template, RenderContext ctx) {
        if (ctx.depth > MAX_DEPTH) {
            throw new TemplateException(ctx.where, "template nesting deeper than " + MAX_DEPTH
                    + " while rendering '" + template + "': does a variable refer to itself?");
        }
        String stripped = template.strip();
        List<TemplateTags.Tag> tags = TemplateTags.scan(stripped);
        if (tags.size() == 1 && tags.get(0).start() == 0 && tags.get(0).end() == stripped.length()) {
            String content = tags.get(0).content();
            VarPath path = VarPath.parse(content);
            if (path != null) {
                try {
                    return withNewlines(resolve(path, List.of(ctx)), template);
                } catch (VarPath.Undefined u) {
                    throw undefined(u, template, ctx);
                }
            }
            if (TemplateTags.isExpression(content)) return withNewlines(evaluate(content, List.of(ctx)), template);
        }
        Mustache mustache = compile(template, ctx.where);
        StringWriter out = new StringWriter(template.length() + 32);
        try {
            mustache.execute(out, List.of(ctx));
        } catch (MustacheException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof VarPath.Undefined u) throw undefined(u, template, ctx);
                if (t instanceof TemplateException te) throw te;
            }
            throw new TemplateException(ctx.where, "cannot render '" + template + "': " + e.getMessage(), null, e);
        }
        return out.toString();
    }

    /**
     * A single tag's value, with the template's trailing newlines when the value is text ({@code "{{ x }}\n"}, as a
     * YAML block scalar writes it): Jinja drops one trailing newline and Ansible puts them back on a text result; a
     * mapping, list or boolean stays itself.
     */
    private static Object withNewlines(Object value, String template) {
        int n = 0;
        while (n < template.length() && template.charAt(template.length() - 1 - n) == '\n') n++;
        if (n == 0 || value instanceof Map || value instanceof List || value instanceof Boolean) return value;
        return stringify(value) + "\n".repeat(n);
    }

    private static TemplateException undefined(VarPath.Undefined u, String template, RenderContext ctx) {
        String detail = u.undefinedPart.equals(u.getMessage()) ? "" : " (" + u.getMessage() + ")";
        return new TemplateException(ctx.where, "undefined variable '" + u.undefinedPart + "'" + detail
                + " in template '" + template + "'", u.undefinedPart, u);
    }

    private Mustache compile(String template, Location where) {
        Mustache m = compiled.get(template);
        if (m != null) return m;
        try {
            m = factory.compile(new StringReader(TemplateTags.rewrite(template)), "template");
        } catch (MustacheException e) {
            throw new TemplateException(where, "invalid template '" + template + "': " + e.getMessage(), null, e);
        }
        if (compiled.size() >= CACHE_LIMIT) compiled.clear();
        compiled.put(template, m);
        return m;
    }

    /** Looks the root up in mustache section scopes (innermost first), then in the variables; then walks keys. */
    private Object resolve(VarPath path, List<Object> scopes) {
        RenderContext ctx = (RenderContext) scopes.get(0);
        String root = path.root();
        Object base = null;
        boolean found = false;
        for (int i = scopes.size() - 1; i >= 1 && !found; i--) {
            if (scopes.get(i) instanceof Map<?, ?> m && m.containsKey(root)) {
                base = m.get(root);
                found = true;
            }
        }
        if (!found) {
            base = ctx.vars.get(root);
            if (base == null && !ctx.vars.containsKey(root)) throw new VarPath.Undefined(path.text(), root, root);
        }
        // Variables may hold templates themselves ("a: '{{ b }}'"): render them at the next depth.
        // Only strings are rendered on the way, so walking into a big registered result does not scan all of it.
        RenderContext deeper = ctx.deeper();
        Object value = path.walk(base, v -> v instanceof String s && isTemplate(s) ? renderText(s, deeper) : v);
        return render(value, deeper);
    }

    /** An expression tag's value, with the variables of the mustache sections around it over the others. */
    private Object evaluate(String expression, List<Object> scopes) {
        RenderContext ctx = (RenderContext) scopes.get(0);
        Map<String, Object> vars = ctx.vars;
        for (int i = 1; i < scopes.size(); i++) {
            if (scopes.get(i) instanceof Map<?, ?> m) vars = new Layered(m, vars);
        }
        return expressions.value(expression, vars, ctx.where);
    }

    /** A mustache section's mapping over the variables around it, read-only and without copying either. */
    private static final class Layered extends java.util.AbstractMap<String, Object> {
        private final Map<?, ?> top;
        private final Map<String, Object> below;

        Layered(Map<?, ?> top, Map<String, Object> below) {
            this.top = top;
            this.below = below;
        }

        @Override
        public Object get(Object key) {
            return top.containsKey(key) ? top.get(key) : below.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return top.containsKey(key) || below.containsKey(key);
        }

        @Override
        public java.util.Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>(below);
            top.forEach((k, v) -> all.put(String.valueOf(k), v));
            return all.entrySet();
        }
    }

    static String stringify(Object value) {
        if (value == null) return "";
        if (value instanceof String s) return s;
        if (value instanceof Map || value instanceof List) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }

    private record RenderContext(Map<String, Object> vars, Location where, int depth) {
        RenderContext deeper() {
            return new RenderContext(vars, where, depth + 1);
        }
    }

    /** mustache.java without HTML escaping, partials or reflection, resolving names through {@link #resolve}. */
    private final class StrictFactory extends DefaultMustacheFactory {
        StrictFactory() {
            setObjectHandler(new StrictObjectHandler());
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Reader getReader(String resourceName) {
            throw new MustacheException("partials ({{> " + resourceName + "}}) are not supported");
        }
    }

    private final class StrictObjectHandler extends AbstractObjectHandler {
        @Override
        public Wrapper find(String name, List<Object> scopes) {
            return s -> lookup(name, s);
        }

        @Override
        public Binding createBinding(String name, TemplateContext tc, Code code) {
            return scopes -> lookup(name, scopes);
        }

        @Override
        public String stringify(Object object) {
            return Templater.stringify(object);
        }

        private Object lookup(String name, List<Object> scopes) {
            if (name == null || name.equals(".")) return scopes.get(scopes.size() - 1);
            String expression = TemplateTags.expression(name);
            if (expression != null) return evaluate(expression, scopes);
            VarPath path = VarPath.parse(name);
            if (path == null) throw new MustacheException("'" + name + "' is not a variable reference");
            return resolve(path, scopes);
        }
    }
}
