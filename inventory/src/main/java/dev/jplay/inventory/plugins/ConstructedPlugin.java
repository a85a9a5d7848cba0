package dev.jplay.inventory.plugins;

import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.TemplateException;
import dev.jplay.engine.template.ValueRenderer;
import dev.jplay.engine.yaml.Location;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryBuilder;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryPlugin;
import dev.jplay.inventory.InventorySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code plugin: jplay.constructed}, like Ansible's {@code constructed}: groups and variables computed from the
 * hosts that the other sources define, in the condition language of playbooks ({@link Expressions}: Jinja's
 * expressions without filters or method calls), evaluated for values ({@link Expressions#value}: Jinja
 * truthiness, {@code ~} concatenation).
 * <pre>
 * plugin: jplay.constructed
 * strict: false                 # true: an undefined variable is an error instead of "skip this host"
 * compose:                      # new host vars, evaluated first, in order (later ones see earlier ones)
 *   ansible_host: private_ip
 *   fqdn: inventory_hostname ~ '.example.com'
 * groups:                       # group: condition
 *   webservers: "'web' in inventory_hostname"
 *   production: env == 'prod' and region is defined
 * keyed_groups:                 # a group per value: PREFIX SEPARATOR VALUE
 *   - key: region               # lists give a group per item, mappings one per KEY_VALUE
 *     prefix: region            # default none (then no separator either)
 *     separator: "_"
 *     default_value: unknown    # for an undefined or empty value; default: no group
 *     parent_group: regions     # optional group the keyed groups become children of
 * </pre>
 * It runs after every other source has been read (see {@link InventoryBuilder#afterSources}), whatever its
 * place among them, over each host's merged variables (group and host vars, {@code group_vars/},
 * {@code host_vars/}) plus {@code inventory_hostname} and {@code group_names}. Group names are made safe
 * as Ansible does: characters other than letters, digits and {@code _} become {@code _}.
 */
public final class ConstructedPlugin implements InventoryPlugin {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_]");
    /** Inventory values hold no templates to render. Thread-safe; parsed expressions are cached. */
    private static final Expressions EXPRESSIONS = new Expressions(ValueRenderer.NONE);

    /** An expression as written in the configuration file. */
    private record Expression(String text, Location where) {
        Object evaluate(Map<String, Object> vars) {
            return EXPRESSIONS.value(text, vars, where);
        }

        boolean test(Map<String, Object> vars) {
            return EXPRESSIONS.truthy(text, vars, where);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private record KeyedGroup(Expression key, String prefix, String separator, String defaultValue, String parent) {}

    @Override
    public String name() {
        return "jplay.constructed";
    }

    @Override
    public InventorySource open(Path configFile, Map<String, Object> values) {
        PluginConfig config = new PluginConfig(configFile, values, Set.of("strict", "compose", "groups", "keyed_groups"));
        boolean strict = config.bool("strict", false);
        Map<String, Expression> compose = expressions(config, "compose");
        Map<String, Expression> groups = expressions(config, "groups");
        List<KeyedGroup> keyed = new ArrayList<>();
        for (Object item : config.list(values.get("keyed_groups"), "'keyed_groups'")) {
            Map<String, Object> k = config.map(item, "a keyed_groups entry");
            Object key = k.get("key");
            if (!(key instanceof String text)) throw config.error("a keyed_groups entry needs 'key: EXPRESSION', got: " + item);
            keyed.add(new KeyedGroup(parse(config, "keyed_groups key", text), string(k, "prefix", ""), string(k, "separator", "_"),
                    string(k, "default_value", null), string(k, "parent_group", null)));
        }
        return new InventorySource() {
            @Override
            public String origin() {
                return configFile.toString();
            }

            @Override
            public void populate(InventoryBuilder inventory) {
                inventory.afterSources((loaded, builder) -> {
                    for (Host host : loaded.hosts()) construct(config, strict, compose, groups, keyed, loaded, builder, host);
                });
            }
        };
    }

    private static void construct(PluginConfig config, boolean strict, Map<String, Expression> compose, Map<String, Expression> groups,
                                  List<KeyedGroup> keyed, Inventory loaded, InventoryBuilder builder, Host host) {
        String name = host.name();
        Map<String, Object> vars = new LinkedHashMap<>(loaded.hostVars(name));
        vars.put("inventory_hostname", name);
        vars.put("group_names", host.groupNames());
        for (Map.Entry<String, Expression> e : compose.entrySet()) {
            Object value;
            try {
                value = e.getValue().evaluate(vars);
            } catch (RuntimeException failure) {
                if (skip(config, strict, name, "compose." + e.getKey(), e.getValue(), failure)) continue;
                throw failure;
            }
            vars.put(e.getKey(), value);
            builder.setHostVariable(name, e.getKey(), value);
        }
        for (Map.Entry<String, Expression> e : groups.entrySet()) {
            boolean member;
            try {
                member = e.getValue().test(vars);
            } catch (RuntimeException failure) {
                if (skip(config, strict, name, "groups." + e.getKey(), e.getValue(), failure)) continue;
                throw failure;
            }
            if (member) join(builder, safe(e.getKey()), name);
        }
        for (KeyedGroup k : keyed) {
            Object value;
            try {
                value = k.key().evaluate(vars);
            } catch (TemplateException failure) {
                if (!undefined(failure)) throw fail(config, name, "keyed_groups key", k.key(), failure);
                if (k.defaultValue() == null && skip(config, strict, name, "keyed_groups key", k.key(), failure)) continue;
                value = k.defaultValue();
            }
            for (String suffix : suffixes(value, k.defaultValue())) {
                String group = safe(k.prefix().isEmpty() ? suffix : k.prefix() + k.separator() + suffix);
                join(builder, group, name);
                if (k.parent() != null) {
                    builder.addGroup(k.parent());
                    builder.addChild(k.parent(), group);
                }
            }
        }
    }

    private static List<String> suffixes(Object value, String defaultValue) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) if (item != null) out.add(String.valueOf(item));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.add(k + "_" + v));
        } else if (value != null && !String.valueOf(value).isEmpty()) {
            out.add(String.valueOf(value));
        }
        if (out.isEmpty() && defaultValue != null) out.add(defaultValue);
        return out;
    }

    private static void join(InventoryBuilder builder, String group, String host) {
        builder.addGroup(group);
        builder.addHost(host, group, null);
    }

    static String safe(String group) {
        return UNSAFE.matcher(group).replaceAll("_");
    }

    /** Without {@code strict}, an undefined variable just leaves the host out of this item, as in Ansible. */
    private static boolean skip(PluginConfig config, boolean strict, String host, String item, Expression e, RuntimeException failure) {
        if (!strict && undefined(failure)) return true;
        throw fail(config, host, item, e, failure);
    }

    /** An undefined variable, key or index (the language names it), rather than a wrong expression. */
    private static boolean undefined(RuntimeException failure) {
        return failure instanceof TemplateException t && t.variable() != null;
    }

    private static InventoryException fail(PluginConfig config, String host, String item, Expression e, RuntimeException failure) {
        String why = failure instanceof TemplateException t
                ? (t.variable() != null ? "'" + t.variable() + "' is undefined (" + t.problem() + ")" : t.problem())
                : failure.getMessage();
        return config.error(item + " \"" + e + "\" for host " + host + ": " + why, failure);
    }

    private static Map<String, Expression> expressions(PluginConfig config, String key) {
        Map<String, Expression> out = new LinkedHashMap<>();
        config.map(key).forEach((name, text) -> {
            if (!(text instanceof String s)) throw config.error(key + "." + name + " must be an expression string, got: " + text);
            out.put(name, parse(config, key + "." + name, s));
        });
        return out;
    }

    private static Expression parse(PluginConfig config, String where, String text) {
        Location at = Location.startOf(config.file());
        try {
            EXPRESSIONS.check(text, at);
        } catch (TemplateException e) {
            throw config.error(where + ": invalid expression: " + e.problem(), e);
        }
        return new Expression(text, at);
    }

    private static String string(Map<String, Object> map, String key, String fallback) {
        Object v = map.get(key);
        return v == null ? fallback : String.valueOf(v);
    }
}
