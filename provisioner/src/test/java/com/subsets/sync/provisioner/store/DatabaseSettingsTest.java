package com.subsets.sync.provisioner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

/** One TLS setting, applied alike to the pool and to Flyway's JDBC connection. */
class DatabaseSettingsTest {

    private static Database.Settings settings(String mode, String rootCert) {
        return new Database.Settings("db.internal", 5432, "subsets_sync", "app", "pw", 8, mode, rootCert);
    }

    @Test
    void verifyFullChecksTheCertificateAndTheHostOnBothConnections() {
        Database.Settings full = settings("verify-full", "/etc/subsets-sync/db/root.crt");
        assertThat(full.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5432/subsets_sync?sslmode=verify-full"
                + "&sslrootcert=%2Fetc%2Fsubsets-sync%2Fdb%2Froot.crt");
        PgConnectOptions pool = full.connectOptions();
        assertThat(pool.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(pool.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(((PemTrustOptions) pool.getSslOptions().getTrustOptions()).getCertPaths())
                .containsExactly("/etc/subsets-sync/db/root.crt");
        assertThat(full.toString()).contains("verify-full").doesNotContain("pw");
    }

    @Test
    void otherModesAndRefusals() {
        assertThat(settings("disable", null).jdbcUrl()).endsWith("?sslmode=disable");
        assertThat(settings("disable", null).connectOptions().getSslMode()).isEqualTo(SslMode.DISABLE);
        assertThat(settings("require", null).connectOptions().getSslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(settings("verify-ca", "/ca.pem").connectOptions().getSslMode()).isEqualTo(SslMode.VERIFY_CA);
        assertThatThrownBy(() -> settings("verify-full", null)).hasMessageContaining("root certificate");
        assertThatThrownBy(() -> settings("strict", null)).hasMessageContaining("verify-full");
    }
}
