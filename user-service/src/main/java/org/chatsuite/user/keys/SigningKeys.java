package org.chatsuite.user.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Singleton;

import org.chatsuite.user.UserServiceConfig;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.Startup;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The RSA key that signs access tokens and the JWK Set that publishes it (plus retired keys
 * during a rotation). The key id is the RFC 7638 thumbprint, so the same key always has the same
 * {@code kid} on every replica.
 */
@Startup
@Singleton
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final PrivateKey privateKey;
    private final String keyId;
    private final String jwksJson;

    SigningKeys(UserServiceConfig config) {
        UserServiceConfig.Jwt jwt = config.jwt();
        RSAPrivateCrtKey key = loadPrivateKey(jwt);
        try {
            RsaJsonWebKey active = jwk(publicKeyOf(key));
            this.privateKey = key;
            this.keyId = active.getKeyId();
            List<JsonWebKey> published = new ArrayList<>();
            published.add(active);
            for (String location : jwt.previousPublicKeyLocations().orElse(List.of())) {
                published.add(jwk((RSAPublicKey) KeyUtils.decodePublicKey(read(location))));
            }
            this.jwksJson = new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("chatsuite.jwt: a configured key is not a valid RSA key", e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String keyId() {
        return keyId;
    }

    /** The JWK Set document served at {@code /.well-known/jwks.json}. */
    public String jwksJson() {
        return jwksJson;
    }

    private static RSAPrivateCrtKey loadPrivateKey(UserServiceConfig.Jwt jwt) {
        String pem = jwt.privateKey().filter(s -> !s.isBlank())
                .or(() -> jwt.privateKeyLocation().filter(s -> !s.isBlank()).map(SigningKeys::read))
                .orElse(null);
        try {
            if (pem != null) {
                PrivateKey key = KeyUtils.decodePrivateKey(pem);
                if (!(key instanceof RSAPrivateCrtKey crt)) {
                    throw new IllegalStateException("chatsuite.jwt: the signing key must be an RSA private key (PKCS#8 PEM)");
                }
                return crt;
            }
            if (!jwt.generateKeyIfMissing()) {
                throw new IllegalStateException("No JWT signing key configured: set CHATSUITE_JWT_PRIVATE_KEY_LOCATION "
                        + "(path of a PKCS#8 PEM RSA private key) or CHATSUITE_JWT_PRIVATE_KEY (the PEM itself). "
                        + "See the README, section Configuration.");
            }
            LOG.warn("No JWT signing key configured: generated a throw-away RSA key. Tokens die with this process; "
                    + "never run like this in production.");
            return (RSAPrivateCrtKey) KeyUtils.generateKeyPair(2048).getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("chatsuite.jwt: the configured signing key is not a valid PKCS#8 PEM RSA key", e);
        }
    }

    private static RSAPublicKey publicKeyOf(RSAPrivateCrtKey key) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    }

    private static RsaJsonWebKey jwk(RSAPublicKey key) throws JoseException {
        RsaJsonWebKey jwk = new RsaJsonWebKey(key);
        jwk.setUse("sig");
        jwk.setAlgorithm("RS256");
        jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        return jwk;
    }

    private static String read(String location) {
        try {
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new UncheckedIOException("chatsuite.jwt: cannot read key file " + location, e);
        }
    }
}
