package com.subsets.sync.provisioner.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private static final SecretKeySpec OLD = new SecretKeySpec(new byte[32], "AES");
    private static final SecretKeySpec NEW = new SecretKeySpec(new SecureRandom().generateSeed(32), "AES");
    private static final byte[] ROW = "acme/iterable".getBytes(UTF_8);

    @Test
    void sealedValuesOpenOnlyForTheirRowAndCarryNoPlaintext() {
        SecretBox box = new SecretBox(Map.of("k1", OLD), "k1", new SecureRandom());
        byte[] secret = "{\"apiKey\":\"very-secret-key\"}".getBytes(UTF_8);
        SecretBox.Sealed sealed = box.seal(secret, ROW);

        assertThat(sealed.keyId()).isEqualTo("k1");
        assertThat(sealed.nonce()).hasSize(12);
        assertThat(new String(sealed.ciphertext(), UTF_8)).doesNotContain("very-secret-key");
        assertThat(box.open(sealed, ROW)).isEqualTo(secret);
        assertThat(box.seal(secret, ROW).nonce()).as("a fresh nonce every time").isNotEqualTo(sealed.nonce());
        assertThatThrownBy(() -> box.open(sealed, "other/iterable".getBytes(UTF_8)))
                .isInstanceOf(SecretBox.SealException.class).hasMessageContaining("sealed for another row");
        byte[] tampered = Arrays.copyOf(sealed.ciphertext(), sealed.ciphertext().length);
        tampered[0] ^= 1;
        assertThatThrownBy(() -> box.open(new SecretBox.Sealed("k1", sealed.nonce(), tampered), ROW))
                .isInstanceOf(SecretBox.SealException.class).hasMessageNotContaining("very-secret-key");
    }

    @Test
    void rotationSealsWithTheActiveKeyAndStillOpensTheOldOnes() {
        SecretBox before = new SecretBox(Map.of("k1", OLD), "k1", new SecureRandom());
        SecretBox.Sealed old = before.seal("s".getBytes(UTF_8), ROW);
        SecretBox after = new SecretBox(Map.of("k1", OLD, "k2", NEW), "k2", new SecureRandom());

        assertThat(after.open(old, ROW)).isEqualTo("s".getBytes(UTF_8));
        assertThat(after.seal("s".getBytes(UTF_8), ROW).keyId()).isEqualTo("k2");
        SecretBox retired = new SecretBox(Map.of("k2", NEW), "k2", new SecureRandom());
        assertThatThrownBy(() -> retired.open(old, ROW)).hasMessage("credentials are sealed with key k1, which is not configured");
    }
}
