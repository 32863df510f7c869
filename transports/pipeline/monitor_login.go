package pipeline

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/nexport/pcsgate/transports/store"
)

// MonitorStart is what pcsgate run says about the monitor as it starts.
type MonitorStart struct {
	// URL is the monitor's address; empty when it is off.
	URL string
	// Token is the operator token created because the store held no live
	// one, to be shown once; empty otherwise.
	Token string
	// TokenFile is where the first token was written,
	// <data>/monitor.token beside the credential key; empty when no
	// credential_key_file places the data folder, or when the file holds
	// no live token (it was revoked, or tokens were made another way).
	TokenFile string
}

// monitorTokenFile is the first token's file in the data folder.
const monitorTokenFile = "monitor.token"

// PrepareMonitor makes sure the monitor can be logged into: when the store
// never held a token it creates an operator token and writes it, readable
// by its owner only, to the data folder.
func (g *Gateway) PrepareMonitor(ctx context.Context) (MonitorStart, error) {
	if g.cfg.Monitor.Listen == ListenOff {
		return MonitorStart{}, nil
	}
	ms := MonitorStart{URL: "http://" + browsable(g.cfg.Monitor.Listen) + "/"}
	if g.cfg.CredentialKeyFile != "" {
		ms.TokenFile = filepath.Join(filepath.Dir(g.cfg.CredentialKeyFile), monitorTokenFile)
	}
	// Only a store that never had a token gets one: after every token was
	// revoked (an operator locking the monitor), a restart must not print
	// a new one to the log.
	issued, err := g.store.EverIssuedToken(ctx)
	if err != nil {
		return ms, err
	}
	if issued {
		if !g.tokenFileLive(ctx, ms.TokenFile) {
			ms.TokenFile = ""
		}
		return ms, nil
	}
	_, tok, err := g.store.CreateToken(ctx, "first run", store.RoleOperator)
	if err != nil {
		return ms, err
	}
	ms.Token = tok
	if ms.TokenFile != "" {
		if err := os.MkdirAll(filepath.Dir(ms.TokenFile), 0o700); err != nil {
			return ms, err
		}
		if err := writePrivate(ms.TokenFile, []byte(tok+"\n")); err != nil {
			return ms, fmt.Errorf("monitor token: %w", err)
		}
	}
	return ms, nil
}

// tokenFileLive reports whether path holds a token that is not revoked,
// so that a start does not point at a stale file.
func (g *Gateway) tokenFileLive(ctx context.Context, path string) bool {
	if path == "" {
		return false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	_, err = g.store.CheckToken(ctx, strings.TrimSpace(string(b)))
	return err == nil
}

// browsable is a listen address as a browser on the same machine reaches
// it: a listener on every interface is reached on loopback.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
