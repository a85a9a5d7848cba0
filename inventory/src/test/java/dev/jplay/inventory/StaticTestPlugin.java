package dev.jplay.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A plugin for tests: {@code hosts: [...]} into {@code group: NAME}, each host told where it came from. */
public final class StaticTestPlugin implements InventoryPlugin {
    @Override
    public String name() {
        return "jplay.test.static";
    }

    @Override
    public InventorySource open(Path configFile, Map<String, Object> config) {
        return new InventorySource() {
            @Override
            public String origin() {
                return configFile.toString();
            }

            @Override
            public void populate(InventoryBuilder inventory) {
                String group = (String) config.get("group");
                inventory.addGroup(group);
                for (Object host : (List<?>) config.get("hosts")) {
                    inventory.addHost((String) host, group, null);
                    inventory.setHostVariable((String) host, "from_config", configFile.toString());
                }
            }
        };
    }
}
