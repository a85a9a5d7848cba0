package dev.jplay.protocol;

import dev.jplay.protocol.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    private static Object parse(String json) throws IOException {
        return Json.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersKeepTheirSizeAndPrecision() throws IOException {
        Map<String, Object> m = Json.parseObject("{\"i\":7,\"l\":4294967296,\"max\":9223372036854775807,\"big\":9223372036854775808,\"d\":0.25,\"e\":1e3}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(7, m.get("i"));
        assertEquals(4294967296L, m.get("l"));
        assertEquals(Long.MAX_VALUE, Json.longValue(m, "max"));
        assertEquals(new BigInteger("9223372036854775808"), m.get("big"));
        assertEquals(0.25, m.get("d"));
        assertEquals(1000.0, m.get("e"));
        assertEquals("{\"i\":7,\"l\":4294967296,\"max\":9223372036854775807,\"big\":9223372036854775808,\"d\":0.25,\"e\":1000.0}",
                Json.writeString(m));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.longValue(m, "big")).getMessage().contains("'big'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Json.intValue(m, "l")).getMessage().contains("'l'"));
    }

    @Test
    void keysKeepDocumentOrderAndNullsStay() throws IOException {
        assertEquals("{\"z\":1,\"a\":null,\"m\":[true,false,\"s\"]}", Json.writeString(parse("{\"z\":1,\"a\":null,\"m\":[true,false,\"s\"]}")));
    }

    @Test
    void refusesEmptyTrailingAndNonObjectInput(@TempDir Path tmp) throws IOException {
        assertThrows(IOException.class, () -> parse(""));
        assertThrows(IOException.class, () -> parse("{} {}"));
        assertThrows(IOException.class, () -> parse("{\"a\":"));
        Path file = Files.writeString(tmp.resolve("list.json"), "[1]");
        IOException e = assertThrows(IOException.class, () -> Json.parseObject(file));
        assertEquals(file + ": expected a JSON object at the top level, got an array", e.getMessage());
    }

    @Test
    void writesOnlyPlainValuesAndSaysWhereAnotherOneWas() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ok", List.of(1, "x"));
        data.put("bad", List.of("fine", Map.of("path", Path.of("/tmp"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.write(data));
        assertTrue(e.getMessage().startsWith("cannot write a sun.nio.fs.UnixPath at bad[1].path as JSON"), e.getMessage());
    }

    @Test
    void compactAndPrettyFormsAreDatabinds() throws IOException {
        Object value = parse("{\"s\":\"a\\\"b\\n\\u00e9\\u0001\",\"n\":[1,2.5,-3,{}],\"o\":{\"e\":[],\"x\":{\"y\":null}},\"f\":false}");
        ObjectMapper databind = new ObjectMapper();
        assertEquals(databind.writeValueAsString(value), Json.writeString(value));
        assertEquals(databind.writerWithDefaultPrettyPrinter().writeValueAsString(value),
                new String(Json.writePretty(value), StandardCharsets.UTF_8));
        assertEquals(databind.writeValueAsString(1.1f), Json.writeString(1.1f));
    }

    @Test
    void accessorsReturnNullWhenAbsentAndNameTheFieldOfAWrongType() throws IOException {
        Map<String, Object> m = Json.parseObject("{\"s\":\"x\",\"n\":5,\"o\":{\"k\":\"v\"},\"l\":[\"a\",1],\"b\":true,\"nul\":null}"
                .getBytes(StandardCharsets.UTF_8));
        assertNull(Json.string(m, "absent"));
        assertNull(Json.object(m, "nul"));
        assertEquals("5", Json.string(m, "n"));
        assertEquals(List.of("a", "1"), Json.strings(m, "l"));
        assertEquals(Map.of("k", "v"), Json.stringMap(m, "o"));
        assertEquals(Boolean.TRUE, Json.booleanValue(m, "b"));
        assertEquals(5.0, Json.doubleValue(m, "n"));
        assertEquals("'o' must be a string, got an object", assertThrows(IllegalArgumentException.class, () -> Json.string(m, "o")).getMessage());
        assertEquals("'s' must be an array, got \"x\"", assertThrows(IllegalArgumentException.class, () -> Json.list(m, "s")).getMessage());
        assertEquals("'b' must be an integer (64-bit), got true",
                assertThrows(IllegalArgumentException.class, () -> Json.longValue(m, "b")).getMessage());
    }
}
