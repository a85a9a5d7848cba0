package dev.jplay.engine.ippool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpPoolsTest {
    private static String error(Map<String, Object> pools) {
        return assertThrows(IpPoolException.class, () -> IpPools.parse(pools)).getMessage();
    }

    @Test
    void parsesAllKeys() {
        Map<String, IpPool> pools = IpPools.parse(Map.of("web", Map.of("cidr", "10.88.0.0/24", "gateway", "10.88.0.254",
                "exclude", List.of("10.88.0.2", "10.88.0.100-10.88.0.120"))));
        IpPool web = pools.get("web");
        assertEquals("10.88.0.0/24", web.cidr().toString());
        assertEquals("10.88.0.254", web.gateway().toString());
        assertEquals("10.88.0.100-10.88.0.120", web.excluded().get(1).toString());
        assertEquals("jp-web", web.bridgeName());
        assertTrue(web.masquerade(), "outbound NAT on by default, as Docker's bridge");
    }

    @Test
    void masqueradeCanBeTurnedOffAndReachesEveryInstance() {
        IpPool off = IpPools.parse(Map.of("db", Map.of("cidr", "10.89.0.0/24", "masquerade", false))).get("db");
        assertEquals(false, off.masquerade());
        assertEquals(false, IpPools.parse(Map.of("db", Map.of("cidr", "10.89.0.0/24", "masquerade", "no"))).get("db").masquerade());
        assertTrue(error(Map.of("db", Map.of("cidr", "10.89.0.0/24", "masquerade", "maybe"))).contains("'masquerade' must be true or false"));
        var instance = dev.jplay.engine.fleet.InstanceVars.instance("db", off,
                new dev.jplay.engine.fleet.FleetState.Instance("db-0", 0, "h1", "10.89.0.2", 24, "10.89.0.1"));
        assertEquals(false, instance.get("masquerade"));
    }

    @Test
    void overlappingPoolsAreAnErrorNamingBoth() {
        Map<String, Object> pools = new LinkedHashMap<>();
        pools.put("web", Map.of("cidr", "10.88.0.0/24"));
        pools.put("db", Map.of("cidr", "10.88.0.128/25"));
        pools.put("v6", Map.of("cidr", "::/0"));
        String msg = error(pools);
        assertTrue(msg.contains("'web' (10.88.0.0/24)") && msg.contains("'db' (10.88.0.128/25)") && msg.contains("overlap"), msg);
    }

    @Test
    void v4AndV6PoolsNeverOverlap() {
        assertEquals(2, IpPools.parse(Map.of("a", Map.of("cidr", "0.0.0.0/0"), "b", Map.of("cidr", "::/0"))).size());
    }

    @Test
    void badDeclarationsSayWhatIsWrong() {
        assertTrue(error(Map.of("w", Map.of("cidr", "10.88.0.5/24"))).contains("did you mean 10.88.0.0/24"));
        assertTrue(error(Map.of("w", Map.of("cidr", "10.88.0.0/24", "gw", "x"))).contains("unknown key 'gw'"));
        assertTrue(error(Map.of("w", Map.of("cidr", "10.88.0.0/24", "gateway", "10.89.0.1"))).contains("outside"));
        assertTrue(error(Map.of("w", Map.of("cidr", "10.88.0.0/24", "per_host_prefix", 20))).contains("between 24"));
        assertTrue(error(Map.of("w", Map.of("cidr", "10.88.0.0/24", "exclude", "fd00::1"))).contains("family"));
        assertTrue(error(Map.of("w", Map.of("cidr", "example.com/24"))).contains("not an IPv4 or IPv6 address"));
        assertTrue(error(Map.of("w", Map.of("cidr", "::ffff:10.0.0.0/120"))).contains("IPv4-mapped"));
    }

    @Test
    void ipv6TextIsCanonical() {
        assertEquals("2001:db8::1", IpAddress.parse("2001:0DB8:0:0:0:0:0:1").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.parse("2001:db8:0:1:1:1:1:1").toString());
        assertEquals("2001:0:0:1::1", IpAddress.parse("2001:0:0:1:0:0:0:1").toString());
        assertEquals("::", IpAddress.parse("::").toString());
        assertEquals("fe80::", IpAddress.parse("fe80:0:0:0:0:0:0:0").toString());
    }

    @Test
    void longPoolNamesGetValidBridgeNames() {
        IpPool p = IpPool.flat("frontend-production", Cidr.parse("10.1.0.0/16"), List.of());
        assertTrue(p.bridgeName().length() <= 15, p.bridgeName());
        assertTrue(p.bridgeName().startsWith("jp-front-"), p.bridgeName());
    }

    @Test
    void poolsVariableComesFromExtraVarsThenThePlayThenHostsThatMustAgree() {
        Map<String, Map<String, Object>> hostVars = Map.of(
                "a", Map.of(IpPools.VARIABLE, "from-hosts"), "b", Map.of(IpPools.VARIABLE, "from-hosts"), "c", Map.of());
        List<String> hosts = List.of("a", "b", "c");
        Map<String, Object> play = Map.of(IpPools.VARIABLE, "from-play");
        Map<String, Object> extra = Map.of(IpPools.VARIABLE, "from-extra");
        VariableScope none = VariableScope.empty();
        VariableScope playOnly = none.with(Layer.PLAY_VARS, play);
        assertEquals("from-extra", IpPools.variableFor(playOnly.with(Layer.EXTRA_VARS, extra), hosts, hostVars::get));
        assertEquals("from-play", IpPools.variableFor(playOnly, hosts, hostVars::get));
        assertEquals("from-vars-files", IpPools.variableFor(playOnly.with(Layer.PLAY_VARS_FILES,
                Map.of(IpPools.VARIABLE, "from-vars-files")), hosts, hostVars::get), "vars_files win over vars");
        assertEquals("from-hosts", IpPools.variableFor(none, hosts, hostVars::get));
        assertEquals(null, IpPools.variableFor(none, List.of("c"), hostVars::get));

        Map<String, Map<String, Object>> disagreeing = Map.of(
                "a", Map.of(IpPools.VARIABLE, "one"), "b", Map.of(IpPools.VARIABLE, "two"));
        String message = assertThrows(IpPoolException.class,
                () -> IpPools.variableFor(VariableScope.empty(), List.of("a", "b"), disagreeing::get)).getMessage();
        assertTrue(message.contains("differs between hosts a and b"), message);
    }
}
