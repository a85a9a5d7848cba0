package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RollbackKeywordTest {
    private final PlaybookParser parser = new PlaybookParser(Set.of("container"));

    private RollbackPolicy policyOf(String line) {
        return parser.parse("- hosts: all\n" + line + "  tasks: []\n", Path.of("/play/site.yml")).plays().get(0).rollback();
    }

    @Test
    void defaultsToNoneAndAcceptsBatchAllAndFalse() {
        assertEquals(RollbackPolicy.NONE, policyOf(""));
        assertEquals(RollbackPolicy.BATCH, policyOf("  rollback: batch\n"));
        assertEquals(RollbackPolicy.ALL, policyOf("  rollback: all\n"));
        assertEquals(RollbackPolicy.NONE, policyOf("  rollback: none\n"));
        assertEquals(RollbackPolicy.NONE, policyOf("  rollback: false\n"), "YAML 1.1 'false' means none");
    }

    @Test
    void otherValuesAreRejectedWhereWritten() {
        PlaybookException e = assertThrows(PlaybookException.class, () -> policyOf("  rollback: everything\n"));
        assertTrue(e.getMessage().contains("none, batch or all"), e::getMessage);
        assertTrue(e.getMessage().contains("site.yml:2"), e::getMessage);
    }
}
