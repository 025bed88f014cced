package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Cert is the sandbox's self-signed certificate for 127.0.0.1, ::1 and
// localhost. It is its own root: clients trust it through Pool or the PEM.
type Cert struct {
	TLS  tls.Certificate
	PEM  []byte         // the certificate, PEM-encoded
	Pool *x509.CertPool // a pool holding only this certificate
	Leaf *x509.Certificate
}

// Names of the certificate files in a data directory.
const (
	CertFile = "sandbox-cert.pem"
	keyFile  = "sandbox-key.pem"
)

// NewCert generates a fresh certificate (ECDSA P-256: fast to make).
func NewCert(now time.Time) (*Cert, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox certificate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mistbench sandbox", Organization: []string{"mistbench"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(2 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so it can be handed to clients as a root
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox certificate key: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	c, err := parseCert(certPEM, keyPEM)
	return c, keyPEM, err
}

func parseCert(certPEM, keyPEM []byte) (*Cert, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("sandbox certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("sandbox certificate: %w", err)
	}
	pair.Leaf = leaf
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &Cert{TLS: pair, PEM: certPEM, Pool: pool, Leaf: leaf}, nil
}

// LoadOrCreateCert reuses the certificate in dir when it is still valid
// for a week, else makes one and saves it there (the key with mode 0600).
// With dir "" it only makes one.
func LoadOrCreateCert(dir string, now time.Time) (*Cert, error) {
	if dir != "" {
		certPEM, err1 := os.ReadFile(filepath.Join(dir, CertFile))
		keyPEM, err2 := os.ReadFile(filepath.Join(dir, keyFile))
		if err1 == nil && err2 == nil {
			c, err := parseCert(certPEM, keyPEM)
			if err == nil && now.Add(7*24*time.Hour).Before(c.Leaf.NotAfter) {
				return c, nil
			}
		} else if !errors.Is(err1, os.ErrNotExist) && err1 != nil {
			return nil, fmt.Errorf("sandbox certificate: %w", err1)
		}
	}
	c, keyPEM, err := NewCert(now)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox data directory: %w", err)
		}
		if err := writeFileAtomic(filepath.Join(dir, keyFile), keyPEM, 0o600); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, CertFile), c.PEM, 0o644); err != nil {
			return nil, err
		}
	}
	return c, nil
}
