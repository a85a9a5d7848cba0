package dev.jplay.engine.yaml;

import java.util.ArrayList;
import java.util.List;

/** A YAML sequence. */
public record YamlSequence(List<YamlNode> items, Location location) implements YamlNode {
    public YamlSequence {
        items = List.copyOf(items);
    }

    @Override
    public List<Object> toJava() {
        List<Object> out = new ArrayList<>(items.size());
        for (YamlNode item : items) out.add(item.toJava());
        return out;
    }

    @Override
    public String describe() {
        return "a list";
    }
}
