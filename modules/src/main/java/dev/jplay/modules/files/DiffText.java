package dev.jplay.modules.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** File content as shown in a diff: UTF-8 text cut at a bound, or "(binary)". */
final class DiffText {
    static final int MAX_CHARS = 32 * 1024;
    static final String BINARY = "(binary)";

    private DiffText() {}

    static String of(byte[] bytes) {
        if (bytes == null) return "";
        for (byte b : bytes) if (b == 0) return BINARY;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return BINARY;
        }
        if (text.length() <= MAX_CHARS) return text;
        return text.substring(0, MAX_CHARS) + "\n[... " + (text.length() - MAX_CHARS) + " more characters not shown]";
    }
}
