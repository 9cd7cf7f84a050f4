"""Throwaway TLS material for tests: a CA, a server certificate for 127.0.0.1 and a client
certificate, made with `cryptography` (a dependency of ansible-core)."""

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _cert(subject, key, issuer, issuer_key, ca=False, san=None, usage=None):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               # key identifiers: Python 3.13's strict X.509 verification wants them
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(san))]), critical=False)
    if usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def make_pki(folder):
    """Files in `folder`: ca.pem, server.pem/server.key (127.0.0.1), client.pem/client.key,
    other-ca.pem (a CA that signed nothing here). Returns {name: path}."""
    ca_key, other_key = _key(), _key()
    files = {
        "ca.pem": _cert("test-ca", ca_key, "test-ca", ca_key, ca=True),
        "other-ca.pem": _cert("other-ca", other_key, "other-ca", other_key, ca=True),
    }
    for name, san, usage in (("server", "127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH),
                             ("client", None, ExtendedKeyUsageOID.CLIENT_AUTH)):
        key = _key()
        files[name + ".key"] = _pem_key(key)
        files[name + ".pem"] = _cert(name, key, "test-ca", ca_key, san=san, usage=usage)
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = str(folder / name)
    return paths
