package dev.jplay.inventory;

/**
 * An inline list such as {@code host1,host2:2222,} or {@code localhost,}, like Ansible's {@code host_list}
 * plugin: hosts go to {@code ungrouped}, an optional port becomes {@code ansible_port}, ranges are not
 * expanded.
 */
final class HostListSource implements InventorySource {
    private final String list;

    HostListSource(String list) {
        this.list = list;
    }

    @Override
    public String origin() {
        return list;
    }

    @Override
    public void populate(InventoryBuilder inventory) {
        for (String item : list.split(",")) {
            String entry = item.strip();
            if (entry.isEmpty()) continue;
            HostAddress address = HostAddress.parseLenient(entry, false);
            if (!inventory.hasHost(address.host())) {
                inventory.addHost(address.host(), InventoryBuilder.UNGROUPED, address.port());
            }
        }
    }
}
