/**
 * On-host networking of containers: each container gets its own network namespace and IP on a Linux bridge of its
 * host, through the reference CNI plugins ({@code bridge} + {@code static} IPAM, {@code loopback}) run by the CNI
 * exec protocol. Entry point: {@link dev.jplay.runtime.network.CniNetworks}.
 *
 * <h2>Per container, from the controller</h2>
 * {@code {"ip": "10.88.0.23", "prefix_len": 24, "gateway": "10.88.0.1", "bridge": "jplay0"}} (a
 * {@link dev.jplay.runtime.network.NetworkAttachment}; optional {@code ipv6}, {@code ipv6_gateway}, {@code mtu}). The
 * agent attaches, then launches with {@code ContainerSpec.Builder#networkMode(result.networkMode())}: runc joins the
 * namespace at {@code <stateDir>/network/netns/<container>}. Detach after the container is gone: DEL removes
 * the veth at once, but a process still inside keeps its (then unconnected) namespace alive.
 *
 * <h2>Where namespaces live</h2>
 * Not in /run/netns: bind mounts under the agent's state directory. Hosts that share /run/netns (the test fleet's
 * namespace "hosts", nested setups) have separate state directories, so two hosts can both have a container
 * {@code web} and a bridge {@code jplay0}: bridges and veths live in each host's own network namespace.
 *
 * <h2>What is routed</h2>
 * <ul>
 *   <li>The bridge gets the gateway address ({@code isGateway}), so the host itself reaches every container on it,
 *       and containers reach the host at the gateway. The bridge plugin also turns on IPv4 forwarding (and IPv6
 *       forwarding when an IPv6 gateway is given) in the host's namespace.</li>
 *   <li>Outbound NAT when the attachment asks for it ({@code masquerade}, the bridge plugin's {@code ipMasq}): traffic
 *       to addresses off the bridge's subnet leaves with the host's address. Published ports
 *       ({@link dev.jplay.runtime.network.PortMapping}) go through the {@code portmap} plugin, chained after
 *       {@code bridge} with its result as {@code prevResult}; DEL runs in reverse order. Both write iptables rules
 *       in the host's namespace, in the plugins' own chains ({@code CNI-*}).</li>
 *   <li>A bridge carries one IPv4 subnet ({@code forceAddress}): an attachment with another gateway moves the bridge's
 *       address to it, as when a pool is re-addressed; containers still on the old subnet lose their gateway (and
 *       the host's route to them) until they are attached again with an address of the new one.</li>
 *   <li>Containers on one bridge reach each other directly, unless bridged traffic is filtered
 *       ({@code br_netfilter} loaded and a FORWARD policy of DROP, as Docker sets): then allow it with
 *       {@code iptables -I FORWARD -i jplay0 -o jplay0 -j ACCEPT}.</li>
 *   <li>Across hosts ("host-gw", {@link dev.jplay.runtime.network.PoolRouting}): with a block per host (host A
 *       10.88.1.0/24 gateway 10.88.1.1, host B 10.88.2.0/24), every host routes every other host's block via that
 *       host's address ({@code ip route replace 10.88.2.0/24 via <B> proto 211}), turns on forwarding, accepts the
 *       pool's range in FORWARD if the policy drops, and exempts pool-to-pool traffic from masquerade. jplay does this
 *       for pools with {@code per_host_prefix} (the {@code pool_routes} module, run first in such plays). No overlay:
 *       the hosts must reach each other directly (one L2 segment), or the network between them must route the blocks
 *       (routes in the VPC). Machines outside the fleet need such routes too, or reach instances through published
 *       ports.</li>
 *   <li>One /24 shared by all hosts (a flat pool) does not work across hosts: every host puts the whole /24 on its own
 *       bridge and every container has it on-link on {@code eth0}, so a packet for a container on another host is
 *       sent (ARPed) into the local bridge, where nobody answers. Use per-host blocks for traffic between hosts.</li>
 * </ul>
 */
package dev.jplay.runtime.network;
