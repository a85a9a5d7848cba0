package dev.jplay.reports;

import com.fasterxml.jackson.core.JsonProcessingException;

/** How a loop item is named in reports: strings as they are, anything else as compact JSON. */
final class Items {
    private Items() {}

    static String label(Object item) {
        if (item == null) return "";
        if (item instanceof String || item instanceof Number || item instanceof Boolean) return String.valueOf(item);
        try {
            return ReportFiles.json().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Redaction.redactAny(item));
        } catch (JsonProcessingException e) {
            return String.valueOf(item);
        }
    }
}
