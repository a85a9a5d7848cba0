package dev.jplay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    @Test
    void readsLinesSpanningBufferRefillsAndAFinalUnterminatedLine() throws Exception {
        String longLine = "é".repeat(50_000); // 100 000 bytes: crosses the 64 KiB buffer
        byte[] input = ("a\n" + longLine + "\n\nlast").getBytes(StandardCharsets.UTF_8);
        BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(input), 200_000);
        assertEquals("a", r.readLine());
        assertEquals(longLine, r.readLine());
        assertEquals("", r.readLine());
        assertEquals("last", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void refusesALineOverTheBound() {
        byte[] input = ("x".repeat(1001) + "\n").getBytes(StandardCharsets.UTF_8);
        BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(input), 1000);
        assertThrows(BoundedLineReader.LineTooLongException.class, r::readLine);
    }

    @Test
    void acceptsALineExactlyAtTheBound() throws Exception {
        byte[] input = ("x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(1000, new BoundedLineReader(new ByteArrayInputStream(input), 1000).readLine().length());
    }

    @Test
    void skipsOverlongLinesWithoutLosingTheNext() throws Exception {
        byte[] data = ("short\n" + "y".repeat(200_000) + "\nnext\nlast-no-newline").getBytes(StandardCharsets.UTF_8);
        BoundedLineReader r = new BoundedLineReader(new ByteArrayInputStream(data), 100);
        assertEquals("short", new String(r.next(), StandardCharsets.UTF_8));
        assertTrue(r.next() == BoundedLineReader.TOO_LONG);
        assertEquals("next", new String(r.next(), StandardCharsets.UTF_8));
        assertEquals("last-no-newline", new String(r.next(), StandardCharsets.UTF_8));
        assertEquals(null, r.next());
    }
}
