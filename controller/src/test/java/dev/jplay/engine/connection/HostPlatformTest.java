package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPlatformTest {
    @Test
    void architectureNamesOfJavaAndOfTheKernelMeanTheSame() {
        assertEquals("x86_64", HostPlatform.normalizeArch("amd64"));
        assertEquals("x86_64", HostPlatform.normalizeArch("x86_64"));
        assertEquals("aarch64", HostPlatform.normalizeArch("arm64"));
        assertEquals("aarch64", HostPlatform.normalizeArch("aarch64"));
        assertEquals("arm", HostPlatform.normalizeArch("armv7l"));
        assertEquals("x86", HostPlatform.normalizeArch("i686"));
        assertEquals("riscv64", HostPlatform.normalizeArch("riscv64"));
    }

    @Test
    void aJdkReleaseFileSaysItsPlatform() {
        HostPlatform jdk = HostPlatform.ofRelease(Map.of("OS_NAME", "Linux", "OS_ARCH", "amd64", "LIBC", "gnu"));
        assertEquals(new HostPlatform("Linux", "x86_64", "gnu"), jdk);
        // Builds from before LIBC was recorded are glibc ones.
        assertEquals("gnu", HostPlatform.ofRelease(Map.of("OS_NAME", "Linux", "OS_ARCH", "x86_64")).libc());
    }

    @Test
    void aMatchingHostHasNoMismatch() {
        HostPlatform jdk = HostPlatform.ofRelease(Map.of("OS_NAME", "Linux", "OS_ARCH", "amd64", "LIBC", "gnu"));
        assertNull(jdk.mismatch(new HostPlatform("Linux", "x86_64", "gnu")));
    }

    @Test
    void aMismatchNamesBothSidesOfEachDifference() {
        HostPlatform jdk = new HostPlatform("Linux", "x86_64", "gnu");
        assertEquals("architecture aarch64 vs x86_64", jdk.mismatch(new HostPlatform("Linux", "aarch64", "gnu")));
        assertEquals("C library musl vs gnu", jdk.mismatch(new HostPlatform("Linux", "x86_64", "musl")));
        String both = new HostPlatform("Darwin", "aarch64", "gnu").mismatch(new HostPlatform("Linux", "x86_64", "musl"));
        assertTrue(both.contains("OS Linux vs Darwin") && both.contains("architecture x86_64 vs aarch64")
                && both.contains("C library musl vs gnu"), both);
    }
}
