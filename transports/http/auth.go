package http

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	nethttp "net/http"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// DefaultHMACHeader carries the body signature unless AuthConfig.HMACHeader
// names another header.
const DefaultHMACHeader = "X-Signature-256"

// signaturePrefix starts every signature header value.
const signaturePrefix = "sha256="

// AuthConfig says how requests are authenticated: a bearer token, an HMAC
// signature of the body, or both.
type AuthConfig struct {
	// Bearer is the token in "Authorization: Bearer <token>": expected on
	// inbound requests, sent on outbound ones.
	Bearer string `yaml:"bearer"`
	// HMACSecret is the shared secret of the HMAC-SHA256 body signature,
	// carried in HMACHeader as "sha256=<hex>": checked inbound, added
	// outbound.
	HMACSecret string `yaml:"hmac_secret"`
	// HMACHeader names the signature header. Default X-Signature-256.
	HMACHeader string `yaml:"hmac_header"`
}

func (a *AuthConfig) setDefaults() {
	if a.HMACHeader == "" {
		a.HMACHeader = DefaultHMACHeader
	}
}

// validate appends the auth problems to errs; prefix names the section.
func (a AuthConfig) validate(prefix string) []error {
	var errs []error
	if a.Bearer != "" && !isToken68(a.Bearer) {
		// The value is a secret: never echo it.
		errs = append(errs, fmt.Errorf("%s.bearer %w: expected letters, digits and -._~+/= only", prefix, transports.ErrBadConfig))
	}
	if a.HMACHeader != "" && !isHeaderName(a.HMACHeader) {
		errs = append(errs, fmt.Errorf("%s.hmac_header %s %w: expected a header name such as %s", prefix, errtext.Quote(a.HMACHeader), transports.ErrBadConfig, DefaultHMACHeader))
	}
	return errs
}

// sign returns the signature header value of body.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// Authentication failures, answered 401.
var (
	errNoToken      = errors.New("missing bearer token")
	errWrongToken   = errors.New("wrong bearer token")
	errNoSignature  = errors.New("missing signature")
	errBadSignature = errors.New("malformed signature: expected sha256=<hex>")
	errWrongSig     = errors.New("wrong signature")
)

// checkBearer checks the Authorization header against the expected token in
// constant time (lengths included: both sides are hashed first).
func checkBearer(r *nethttp.Request, want string) error {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") {
		return errNoToken
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	exp := sha256.Sum256([]byte(want))
	if subtle.ConstantTimeCompare(got[:], exp[:]) != 1 {
		return errWrongToken
	}
	return nil
}

// signatureOf returns the signature the request carries in header, or why
// it carries none that could be checked. It reads no body: a request
// without a well-formed signature is refused before its body is read.
func signatureOf(r *nethttp.Request, header string) ([]byte, error) {
	v := r.Header.Get(header)
	if v == "" {
		return nil, errNoSignature
	}
	if len(v) < len(signaturePrefix) || !strings.EqualFold(v[:len(signaturePrefix)], signaturePrefix) {
		return nil, errBadSignature
	}
	got, err := hex.DecodeString(v[len(signaturePrefix):])
	if err != nil || len(got) != sha256.Size {
		return nil, errBadSignature
	}
	return got, nil
}

// checkSignature checks the body against the signature in constant time.
func checkSignature(got []byte, secret string, body []byte) error {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errWrongSig
	}
	return nil
}

// isToken68 reports whether s is a valid bearer token (RFC 6750 b64token).
func isToken68(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("-._~+/=", rune(c)) {
			return false
		}
	}
	return s != ""
}

// isHeaderName reports whether s is an HTTP header field name (RFC 9110
// token).
func isHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return s != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
