package dev.jplay.engine.template;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlOperator;
import org.apache.commons.jexl3.introspection.JexlMethod;
import org.apache.commons.jexl3.introspection.JexlPropertyGet;
import org.apache.commons.jexl3.introspection.JexlPropertySet;
import org.apache.commons.jexl3.introspection.JexlUberspect;

/**
 * JEXL reads a missing map key as null even in strict mode; Ansible calls it undefined. This uberspect answers
 * "no such property" for absent keys, so {@code result.nope} is a located "undefined" error, while
 * {@code result.nope is defined} (translated to a path lookup) stays false. A negative list index counts from the
 * end, as in Jinja ({@code items[-1]}). Everything else is delegated.
 */
final class StrictMapUberspect implements JexlUberspect {
    private final JexlUberspect delegate;

    StrictMapUberspect(JexlUberspect delegate) {
        this.delegate = delegate;
    }

    @Override
    public JexlPropertyGet getPropertyGet(List<PropertyResolver> resolvers, Object obj, Object identifier) {
        if (obj instanceof Map<?, ?> map) return mapGet(map, identifier);
        if (obj instanceof List<?> list && isNegative(identifier)) return fromEnd(list, (Number) identifier);
        return delegate.getPropertyGet(resolvers, obj, identifier);
    }

    @Override
    public JexlPropertyGet getPropertyGet(Object obj, Object identifier) {
        if (obj instanceof Map<?, ?> map) return mapGet(map, identifier);
        if (obj instanceof List<?> list && isNegative(identifier)) return fromEnd(list, (Number) identifier);
        return delegate.getPropertyGet(obj, identifier);
    }

    private static boolean isNegative(Object identifier) {
        return identifier instanceof Number n && n.longValue() < 0;
    }

    /** Python's {@code items[-1]}: counted from the end; past the start it is undefined. */
    private static JexlPropertyGet fromEnd(List<?> list, Number index) {
        long at = list.size() + index.longValue();
        return at < 0 ? null : new ListIndexGet(index.intValue());
    }

    private record ListIndexGet(int index) implements JexlPropertyGet {
        @Override
        public Object invoke(Object obj) {
            List<?> list = (List<?>) obj;
            return list.get(list.size() + index);
        }

        @Override
        public Object tryInvoke(Object obj, Object identifier) {
            if (obj instanceof List<?> list && identifier instanceof Number n && n.intValue() == index
                    && list.size() + index >= 0) {
                return list.get(list.size() + index);
            }
            return JexlEngine.TRY_FAILED;
        }

        @Override
        public boolean tryFailed(Object rval) {
            return rval == JexlEngine.TRY_FAILED;
        }

        @Override
        public boolean isCacheable() {
            return false;
        }
    }

    private static JexlPropertyGet mapGet(Map<?, ?> map, Object identifier) {
        if (map.containsKey(identifier)) return new MapKeyGet(identifier);
        if (identifier instanceof Number && map.containsKey(identifier.toString())) {
            return new MapKeyGet(identifier.toString());
        }
        return null;
    }

    private record MapKeyGet(Object key) implements JexlPropertyGet {
        @Override
        public Object invoke(Object obj) {
            return ((Map<?, ?>) obj).get(key);
        }

        @Override
        public Object tryInvoke(Object obj, Object identifier) {
            if (obj instanceof Map<?, ?> map && key.equals(identifier) && map.containsKey(key)) return map.get(key);
            return JexlEngine.TRY_FAILED;
        }

        @Override
        public boolean tryFailed(Object rval) {
            return rval == JexlEngine.TRY_FAILED;
        }

        @Override
        public boolean isCacheable() {
            return true;
        }
    }

    @Override
    public JexlArithmetic.Uberspect getArithmetic(JexlArithmetic arithmetic) {
        return delegate.getArithmetic(arithmetic);
    }

    @Override
    public JexlOperator.Uberspect getOperator(JexlArithmetic arithmetic) {
        return delegate.getOperator(arithmetic);
    }

    @Override
    public Class<?> getClassByName(String className) {
        return null; // no class access from conditions
    }

    @Override
    public ClassLoader getClassLoader() {
        return delegate.getClassLoader();
    }

    @Override
    public JexlMethod getConstructor(Object ctorHandle, Object... args) {
        return null; // no object creation from conditions
    }

    @Override
    public Iterator<?> getIterator(Object obj) {
        return delegate.getIterator(obj);
    }

    @Override
    public JexlMethod getMethod(Object obj, String method, Object... args) {
        return delegate.getMethod(obj, method, args);
    }

    @Override
    public JexlPropertySet getPropertySet(List<PropertyResolver> resolvers, Object obj, Object identifier, Object arg) {
        return null; // conditions never assign
    }

    @Override
    public JexlPropertySet getPropertySet(Object obj, Object identifier, Object arg) {
        return null;
    }

    @Override
    public List<PropertyResolver> getResolvers(JexlOperator op, Object obj) {
        return delegate.getResolvers(op, obj);
    }

    @Override
    public int getVersion() {
        return delegate.getVersion();
    }

    @Override
    public void setClassLoader(ClassLoader loader) {
        delegate.setClassLoader(loader);
    }
}
