package sandbox

import "crypto/tls"

func tlsConfig(c *Cert) *tls.Config { return &tls.Config{RootCAs: c.Pool} }
