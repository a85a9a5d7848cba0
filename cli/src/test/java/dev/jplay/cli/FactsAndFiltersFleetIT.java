package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.RunReport;
import dev.jplay.testing.TestFleet;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts in conditions and filters in templates on real hosts: the implicit "Gathering Facts" task, facts kept for
 * later plays, {@code hostvars[h]['ansible_facts']}; and jplay's facts against {@code ansible -m setup} on the same
 * host.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class FactsAndFiltersFleetIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestFleet fleet;

    @TempDir
    Path work;

    @BeforeAll
    static void up() {
        fleet = TestFleet.start(FactsAndFiltersFleetIT.class, 2);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
    }

    @Test
    void factsDriveConditionsAndTemplates() throws Exception {
        FleetRuns runs = new FleetRuns(fleet, work);
        Path playbook = runs.playbook("site.yml", """
                - hosts: fleet
                  vars:
                    listen_port: "{{ custom_port | default(8080) }}"
                  tasks:
                    - copy:
                        dest: /tmp/facts.txt
                        content: |
                          host={{ ansible_hostname }} family={{ ansible_facts['os_family'] | lower }}
                          ip={{ ansible_default_ipv4.address | default(ansible_all_ipv4_addresses | first) }}
                          port={{ listen_port | int + 1 }} peers={{ groups['fleet'] | map('upper') | sort | join(',') }}
                          first={{ hostvars[groups['fleet'][0]]['ansible_facts']['hostname'] }}
                    - command: echo debian-like
                      register: family
                      when: ansible_facts['os_family'] == 'Debian' and ansible_processor_vcpus | int > 0
                    - command: echo never
                      when: ansible_distribution == 'NoSuchOS'
                - hosts: fleet
                  gather_facts: true
                  gather_subset: ['!all', network]
                  tasks:
                    - assert:
                        that:
                          - ansible_default_ipv4.address is defined or ansible_all_ipv4_addresses | length > 0
                          - family.stdout == 'debian-like'
                - hosts: fleet
                  gather_facts: false
                  tasks:
                    - assert:
                        that: "ansible_facts.hostname == inventory_hostname or ansible_hostname | length > 0"
                """);
        RunReport r = runs.apply(playbook);
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        for (int h = 1; h <= 2; h++) {
            HostRecap recap = r.recap().get(fleet.name(h));
            // play 1: gathering, copy, command; play 2: gathering (reused), assert; play 3: assert
            assertEquals(6, recap.ok(), fleet.name(h) + ": " + recap);
            assertEquals(1, recap.skipped(), "the NoSuchOS task");
            String hostname = fleet.exec(h, "hostname").trim();
            String first = fleet.exec(1, "hostname").trim();
            String expected = "host=" + hostname.split("\\.")[0] + " family=debian\n"
                    + "ip=" + fleet.address(h) + "\n"
                    + "port=8081 peers=" + fleet.name(1).toUpperCase() + "," + fleet.name(2).toUpperCase() + "\n"
                    + "first=" + first.split("\\.")[0] + "\n";
            assertEquals(expected, fleet.exec(h, "cat", "/tmp/facts.txt"));
        }
    }

    /** The facts jplay provides have Ansible's values on the same host. */
    @Test
    @SuppressWarnings("unchecked")
    void sameFactsAsAnsibleSetup() throws Exception {
        assumeTrue(new File("/usr/bin/ansible").canExecute(), "ansible is not installed");
        FleetRuns runs = new FleetRuns(fleet, work);
        Path playbook = runs.playbook("facts.yml", """
                - hosts: fleet
                  gather_facts: true
                  tasks:
                    - copy: {dest: /tmp/jplay-facts.json, content: "{{ ansible_facts | to_json }}"}
                """);
        RunReport r = runs.apply(playbook, "--limit", fleet.name(1));
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        Map<String, Object> jplay = JSON.readValue(fleet.exec(1, "cat", "/tmp/jplay-facts.json"), Map.class);

        Path tree = work.resolve("tree");
        Process p = new ProcessBuilder("ansible", "-i", fleet.inventoryIni().toString(), fleet.name(1), "-m", "setup",
                "-t", tree.toString()).redirectErrorStream(true).redirectOutput(work.resolve("ansible.log").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "ansible -m setup within 180 s");
        assertEquals(0, p.exitValue(), () -> readQuietly(work.resolve("ansible.log")));
        Map<String, Object> raw = JSON.readValue(tree.resolve(fleet.name(1)).toFile(), Map.class);
        Map<String, Object> ansible = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) raw.get("ansible_facts")).forEach((k, v) -> ansible.put(k.replaceFirst("^ansible_", ""), v));

        List<String> differences = new ArrayList<>();
        for (String key : List.of("hostname", "nodename", "fqdn", "domain", "system", "kernel", "kernel_version",
                "architecture", "machine", "distribution", "distribution_version", "distribution_major_version",
                "distribution_release", "os_family", "processor_count", "processor_cores", "processor_vcpus",
                "processor_threads_per_core", "memtotal_mb", "swaptotal_mb", "all_ipv4_addresses", "pkg_mgr",
                "user_id", "machine_id")) {
            if (!String.valueOf(ansible.get(key)).equals(String.valueOf(jplay.get(key)))) {
                differences.add(key + ": ansible=" + ansible.get(key) + " jplay=" + jplay.get(key));
            }
        }
        // Ansible lists /sys/class/net, which in these test hosts (network namespaces that share the machine's
        // /sys) also shows the machine's interfaces; jplay asks the kernel (netlink) in the host's own namespace.
        if (!new TreeSet<>((List<Object>) ansible.get("interfaces")).containsAll((List<Object>) jplay.get("interfaces"))) {
            differences.add("interfaces: ansible=" + ansible.get("interfaces") + " jplay=" + jplay.get("interfaces"));
        }
        Map<String, Object> a4 = (Map<String, Object>) ansible.get("default_ipv4");
        Map<String, Object> j4 = (Map<String, Object>) jplay.get("default_ipv4");
        for (String key : List.of("address", "interface", "gateway", "netmask", "network", "prefix", "macaddress", "mtu")) {
            if (a4 != null && !String.valueOf(a4.get(key)).equals(String.valueOf(j4.get(key)))) {
                differences.add("default_ipv4." + key + ": ansible=" + a4.get(key) + " jplay=" + j4.get(key));
            }
        }
        for (Object iface : (List<Object>) jplay.get("interfaces")) {
            String name = String.valueOf(iface).replace('-', '_');
            Object av4 = ((Map<String, Object>) ansible.getOrDefault(name, Map.of())).get("ipv4");
            Object jv4 = ((Map<String, Object>) jplay.getOrDefault(name, Map.of())).get("ipv4");
            if (!String.valueOf(av4).equals(String.valueOf(jv4))) {
                differences.add(name + ".ipv4: ansible=" + av4 + " jplay=" + jv4);
            }
        }
        TreeSet<String> aMounts = new TreeSet<>();
        for (Object m : (List<Object>) ansible.get("mounts")) aMounts.add(((Map<String, Object>) m).get("mount") + " " + ((Map<String, Object>) m).get("fstype"));
        TreeSet<String> jMounts = new TreeSet<>();
        for (Object m : (List<Object>) jplay.get("mounts")) jMounts.add(((Map<String, Object>) m).get("mount") + " " + ((Map<String, Object>) m).get("fstype"));
        if (!aMounts.equals(jMounts)) differences.add("mounts: ansible=" + aMounts + " jplay=" + jMounts);
        assertTrue(differences.isEmpty(), String.join("\n", differences));
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
