package dev.jplay.engine.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlScalar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ansible Vault texts: ones ansible-vault 2.x wrote (password "s3cret-pw"), and round trips. */
class VaultFormatTest {
    private static final byte[] PW = "s3cret-pw".getBytes(StandardCharsets.UTF_8);
    /** {@code ansible-vault encrypt} of "secret: opensesame\n". */
    static final String ANSIBLE_11 = """
            $ANSIBLE_VAULT;1.1;AES256
            39616331396335336530656436303962373463343134376331333137623832623837343131613730
            6562326637636338646361633036396363383566616532380a636433333835633935653039643966
            33343266383737313038373461313966356664636131363038326530646531663237313361363836
            3631613734343061640a653934383264663139376637313538386234376432633339656261643637
            61303033343766343963346236336435343238316133326132616532623533323263
            """;
    /** {@code ansible-vault encrypt --vault-id prod@...} of "x\n". */
    static final String ANSIBLE_12 = """
            $ANSIBLE_VAULT;1.2;AES256;prod
            65306162333539323134643164663566633130333736383764623739313665383664313663666661
            6634353037306265383536336535303064363962366166310a633765326463356634623036633066
            37396261376134646236643731306439313237336236386137336339653565366130666536636235
            6235393336353433610a383862616439383661666139353930383161613166343433386139343234
            3638
            """;
    /** {@code ansible-vault encrypt_string --name token 'é-unicode-tok'}. */
    static final String ANSIBLE_INLINE = """
            token: !vault |
                      $ANSIBLE_VAULT;1.1;AES256
                      62386331376665316336383363323565623762363139356661623734363032303762366436626461
                      6534656230343431666464366334383231616162353366620a313630623633623464656131343061
                      64383264353464363361623135333834646137653135383464313664326363666265333935303230
                      3036383961653137360a343165356430346236353762393566383637393638663838343262376636
                      6238
            """;

    @AfterEach
    void uninstall() {
        VaultSecrets.install(VaultSecrets.NONE);
    }

    @Test
    void decryptsWhatAnsibleVaultWrote() {
        assertEquals("secret: opensesame\n", new String(VaultFormat.decrypt(VaultFormat.envelope(ANSIBLE_11), PW), StandardCharsets.UTF_8));
        VaultFormat.Envelope v12 = VaultFormat.envelope(ANSIBLE_12);
        assertEquals("1.2", v12.version());
        assertEquals("prod", v12.label());
        assertEquals("x\n", new String(VaultFormat.decrypt(v12, PW), StandardCharsets.UTF_8));
    }

    @Test
    void aWrongPasswordFailsTheHmacAndOpensNothing() {
        assertNull(VaultFormat.decrypt(VaultFormat.envelope(ANSIBLE_11), "s3cret-pX".getBytes(StandardCharsets.UTF_8)));
        VaultSecrets keyring = new VaultSecrets(List.of(new VaultSecrets.Secret("default", "wrong-one".getBytes(StandardCharsets.UTF_8))));
        VaultException e = assertThrows(VaultException.class, () -> keyring.decrypt(ANSIBLE_11, "group_vars/all.yml"));
        assertTrue(e.getMessage().startsWith("group_vars/all.yml: no vault password given opens it"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-one"), "never the password");
    }

    @Test
    void writesTheLayoutAnsibleVaultReadsAndRoundTrips() {
        String v11 = VaultFormat.encrypt("a: 1\n".getBytes(StandardCharsets.UTF_8), PW, null);
        String[] lines = v11.split("\n");
        assertEquals("$ANSIBLE_VAULT;1.1;AES256", lines[0]);
        for (int i = 1; i < lines.length - 1; i++) assertEquals(80, lines[i].length(), "80 columns");
        assertTrue(v11.endsWith("\n"));
        assertEquals("a: 1\n", new String(VaultFormat.decrypt(VaultFormat.envelope(v11), PW), StandardCharsets.UTF_8));
        String v12 = VaultFormat.encrypt(new byte[0], PW, "prod");
        assertTrue(v12.startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n"));
        assertEquals(0, VaultFormat.decrypt(VaultFormat.envelope(v12), PW).length, "an empty plaintext is one padding block");
        assertTrue(VaultFormat.encrypt(new byte[1], PW, "default").startsWith("$ANSIBLE_VAULT;1.1;AES256\n"), "default is no vault id");
        assertNotEquals(v11, VaultFormat.encrypt("a: 1\n".getBytes(StandardCharsets.UTF_8), PW, null), "a fresh salt each time");
    }

    @Test
    void theKeyringTriesTheMatchingVaultIdFirstThenEveryPassword() {
        VaultSecrets keyring = new VaultSecrets(List.of(
                new VaultSecrets.Secret("dev", "other".getBytes(StandardCharsets.UTF_8)),
                new VaultSecrets.Secret("ops", PW)));
        assertEquals("x\n", keyring.decrypt(ANSIBLE_12, "f"), "label prod matches none: every password is tried");
        assertTrue(keyring.encrypt("v", "ops").startsWith("$ANSIBLE_VAULT;1.2;AES256;ops\n"));
        VaultException none = assertThrows(VaultException.class, () -> VaultSecrets.NONE.decrypt(ANSIBLE_12, "f.yml"));
        assertTrue(none.getMessage().contains("vault id 'prod'") && none.getMessage().contains("--vault-password-file"), none.getMessage());
    }

    @Test
    void theYamlLoaderDecryptsVaultedFilesAndVaultTaggedValuesAndRemembersThem() {
        VaultSecrets.install(new VaultSecrets(List.of(new VaultSecrets.Secret("default", PW))));
        YamlMapping file = (YamlMapping) new YamlLoader().load(ANSIBLE_11, Path.of("vars.yml"));
        assertEquals("opensesame", ((YamlScalar) file.get("secret")).value());
        YamlMapping inline = (YamlMapping) new YamlLoader().load(ANSIBLE_INLINE, Path.of("pb.yml"));
        assertEquals("é-unicode-tok", ((YamlScalar) inline.get("token")).value(), "UTF-8 plaintext");
        assertTrue(VaultSecrets.installed().decryptedValues().containsAll(List.of("opensesame", "é-unicode-tok")));
        Object constructed = new YamlLoader().construct(new YamlLoader().compose(ANSIBLE_INLINE, Path.of("inv.yml")), Path.of("inv.yml"));
        assertEquals(java.util.Map.of("token", "é-unicode-tok"), constructed, "the inventory's reader too");
    }

    @Test
    void aVaultValueWithoutAPasswordIsALocatedError() {
        PlaybookException e = assertThrows(PlaybookException.class, () -> new YamlLoader().load("a: 1\n" + ANSIBLE_INLINE, Path.of("pb.yml")));
        assertEquals(2, e.location().line());
        assertTrue(e.problem().contains("no vault password was given"), e.problem());
        PlaybookException other = assertThrows(PlaybookException.class, () -> new YamlLoader().load("a: !secret x\n", Path.of("pb.yml")));
        assertTrue(other.problem().contains("unsupported tag"), "only !vault joins the standard tags");
    }
}
