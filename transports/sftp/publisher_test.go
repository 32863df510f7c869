package sftp_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	pkgsftp "github.com/pkg/sftp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// upload is a publisher on a test server delivering into /out.
type upload struct {
	srv    *sftptest.Server
	pub    *sftp.Publisher
	sleeps *sleeps
}

func newUpload(t testing.TB, srv *sftptest.Server, adjust func(*sftp.PublisherConfig)) *upload {
	t.Helper()
	if srv == nil {
		srv = newServer(t)
	}
	u := &upload{srv: srv, sleeps: &sleeps{}}
	cfg := sftp.PublisherConfig{Connection: connection(srv), Dir: "/out", Extension: ".edi"}
	cfg.Sleep = u.sleeps.sleep
	if adjust != nil {
		adjust(&cfg)
	}
	pub, err := sftp.NewPublisher(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, pub.Close()) })
	u.pub = pub
	return u
}

// outMsg builds a message as the pipeline publishes it.
func outMsg(outName, payload string) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), []byte(payload))
	if outName != "" {
		msg.Metadata.Set(transports.MetaOutName, outName)
	}
	return msg
}

// recorder is a hook that records operations and runs check before each.
type recorder struct {
	mu    sync.Mutex
	ops   []string
	check func(op sftptest.Op) error
}

func (r *recorder) hook(op sftptest.Op) error {
	r.mu.Lock()
	entry := op.Method + " " + op.Path
	if op.Target != "" {
		entry += " → " + op.Target
	}
	r.ops = append(r.ops, entry)
	check := r.check
	r.mu.Unlock()
	if check != nil {
		return check(op)
	}
	return nil
}

// writes returns the recorded operations that change files.
func (r *recorder) writes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, op := range r.ops {
		method, _, _ := strings.Cut(op, " ")
		switch method {
		case "Put", "Open", "Rename", "PosixRename", "Remove", "Mkdir":
			out = append(out, op)
		}
	}
	return out
}

// TestUploadNeverPartial checks, at the moment of the rename, that the final
// name is absent (first delivery) or still holds the previous complete
// content (retry), and that the temporary file is complete.
func TestUploadNeverPartial(t *testing.T) {
	tests := []struct {
		name       string
		noPosix    bool
		wantWrites []string
	}{
		{name: "posix-rename", wantWrites: []string{
			"Put /out/evt-1.edi.part", "PosixRename /out/evt-1.edi.part → /out/evt-1.edi",
			"Put /out/evt-1.edi.part", "PosixRename /out/evt-1.edi.part → /out/evt-1.edi",
		}},
		{name: "without posix-rename", noPosix: true, wantWrites: []string{
			"Put /out/evt-1.edi.part", "PosixRename /out/evt-1.edi.part → /out/evt-1.edi", "Remove /out/evt-1.edi", "Rename /out/evt-1.edi.part → /out/evt-1.edi",
			"Put /out/evt-1.edi.part", "PosixRename /out/evt-1.edi.part → /out/evt-1.edi", "Remove /out/evt-1.edi", "Rename /out/evt-1.edi.part → /out/evt-1.edi",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpload(t, nil, nil)
			var mu sync.Mutex   // guards the three below, shared with the server's goroutines
			var previous []byte // the content the partner may see under the final name
			var payload string  // the content being uploaded
			var checked int     // checks made
			rec := &recorder{check: func(op sftptest.Op) error {
				if op.Method != "PosixRename" && op.Method != "Remove" {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				checked++
				part, err := u.srv.ReadFile("/out/evt-1.edi.part")
				if assert.NoError(t, err, "the temporary file is missing at %s", op.Method) {
					assert.Equal(t, payload, string(part), "the temporary file is incomplete at %s", op.Method)
				}
				final, err := u.srv.ReadFile("/out/evt-1.edi")
				if previous == nil {
					assert.Error(t, err, "the final name exists before the first rename")
				} else if assert.NoError(t, err) {
					assert.Equal(t, string(previous), string(final), "the final name holds something other than the previous delivery")
				}
				if tt.noPosix && op.Method == "PosixRename" {
					return pkgsftp.ErrSSHFxOpUnsupported
				}
				return nil
			}}
			u.srv.SetHook(rec.hook)

			for _, p := range []string{strings.Repeat("first, longer ", 3000), "retry"} {
				mu.Lock()
				payload = p
				mu.Unlock()
				require.NoError(t, u.pub.Publish("out", outMsg("evt-1", p)))
				mu.Lock()
				previous = []byte(p)
				mu.Unlock()
			}
			assert.Equal(t, []string{"evt-1.edi"}, nameList(t, u.srv, "/out"))
			got, err := u.srv.ReadFile("/out/evt-1.edi")
			require.NoError(t, err)
			assert.Equal(t, "retry", string(got))
			assert.Equal(t, tt.wantWrites, rec.writes())
			mu.Lock()
			assert.NotZero(t, checked)
			mu.Unlock()
		})
	}
}

func TestUploadNames(t *testing.T) {
	tests := []struct {
		name    string
		outName string
		adjust  func(*sftp.PublisherConfig)
		want    string
	}{
		{name: "extension added", outName: "evt-1", want: "evt-1.edi"},
		{name: "extension kept", outName: "evt-1.edi", want: "evt-1.edi"},
		{name: "no extension", outName: "evt-1", adjust: func(c *sftp.PublisherConfig) { c.Extension = "" }, want: "evt-1"},
		{name: "own temp suffix", outName: "evt-1", adjust: func(c *sftp.PublisherConfig) { c.TempSuffix = ".uploading" }, want: "evt-1.edi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpload(t, nil, tt.adjust)
			require.NoError(t, u.pub.Publish("out", outMsg(tt.outName, "UNB")))
			assert.Equal(t, []string{tt.want}, nameList(t, u.srv, "/out"))
		})
	}
}

func TestUploadRefusedNames(t *testing.T) {
	u := newUpload(t, nil, func(c *sftp.PublisherConfig) { c.TempSuffix = ".uploading" })
	for _, name := range []string{"a.part", "a.tmp", "a.done", "a.uploading", "../x", "a\\b", strings.Repeat("n", 195)} {
		t.Run(name, func(t *testing.T) {
			err := u.pub.Publish("out", outMsg(name, "x"))
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			assert.True(t, transports.IsPermanent(err))
			assert.Empty(t, nameList(t, u.srv, "/out"))
		})
	}
}

func TestConnectionDroppedWhileWriting(t *testing.T) {
	tests := []struct {
		name  string
		fault func(srv *sftptest.Server)
	}{
		{name: "mid-transfer", fault: func(srv *sftptest.Server) { srv.DropWhileWriting(40 << 10) }},
		{name: "at the rename", fault: func(srv *sftptest.Server) {
			var dropped atomic.Bool
			srv.SetHook(func(op sftptest.Op) error {
				if op.Method == "PosixRename" && dropped.CompareAndSwap(false, true) {
					return sftptest.ErrDrop
				}
				return nil
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpload(t, nil, nil)
			payload := strings.Repeat("UNH+1+COREOR:D:00B:UN'", 5000) // 110 kB
			require.NoError(t, u.pub.Publish("out", outMsg("before", "x")))
			logins := u.srv.Logins()
			tt.fault(u.srv)

			require.NoError(t, u.pub.Publish("out", outMsg("evt-1", payload)))
			assert.Equal(t, []string{"before.edi", "evt-1.edi"}, nameList(t, u.srv, "/out"), "a temporary file was left or a file doubled")
			got, err := u.srv.ReadFile("/out/evt-1.edi")
			require.NoError(t, err)
			assert.Equal(t, payload, string(got))
			assert.Equal(t, 1, u.srv.Logins()-logins, "reconnected once")
			assert.Empty(t, u.sleeps.got(), "the used connection is replaced at once")
		})
	}
}

func TestUploadRetriesThenGivesUp(t *testing.T) {
	u := newUpload(t, nil, func(c *sftp.PublisherConfig) { c.MaxRetries = 2 })
	u.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "Put" {
			return sftptest.ErrDrop
		}
		return nil
	})
	err := u.pub.Publish("out", outMsg("evt-1", "UNB"))
	require.Error(t, err)
	assert.False(t, transports.IsPermanent(err), "a lost connection is transient")
	assert.Contains(t, err.Error(), `sftp `+u.srv.Addr()+`: upload "/out/evt-1.edi": `)
	assert.Contains(t, err.Error(), "(gave up after 3 attempts)")
	assert.Equal(t, []time.Duration{time.Millisecond, 2 * time.Millisecond}, u.sleeps.got())
	assert.Empty(t, nameList(t, u.srv, "/out"))
}

func TestUploadServerRefuses(t *testing.T) {
	tests := []struct {
		name    string
		adjust  func(*sftp.PublisherConfig)
		refuse  string // method the server refuses
		wantErr string
	}{
		{name: "missing folder", adjust: func(c *sftp.PublisherConfig) { c.Dir = "/missing" }, wantErr: `upload "/missing/evt-1.edi": file does not exist`},
		{name: "write refused", refuse: "Put", wantErr: `upload "/out/evt-1.edi": permission denied`},
		{name: "rename refused", refuse: "PosixRename", wantErr: `upload "/out/evt-1.edi": permission denied`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpload(t, nil, tt.adjust)
			u.srv.SetHook(func(op sftptest.Op) error {
				if op.Method == tt.refuse {
					return pkgsftp.ErrSSHFxPermissionDenied
				}
				return nil
			})
			err := u.pub.Publish("out", outMsg("evt-1", "UNB"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.False(t, transports.IsPermanent(err))
			assert.Empty(t, u.sleeps.got(), "a server's answer was retried")
			assert.Empty(t, nameList(t, u.srv, "/out"), "a temporary file was left behind")
		})
	}
}

func TestUploadConcurrently(t *testing.T) {
	u := newUpload(t, nil, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two goroutines per name: the same name is never written by
			// two uploads at once.
			errs <- u.pub.Publish("out", outMsg(fmt.Sprintf("evt-%d", i%10), "payload"))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Len(t, nameList(t, u.srv, "/out"), 10)
}

// A server that stops answering is given up on after Timeout, while
// connecting or in the middle of an operation.
func TestUploadTimeout(t *testing.T) {
	const timeout = 250 * time.Millisecond
	tests := []struct {
		name    string
		stall   func(srv *sftptest.Server, proxy *sftptest.Proxy)
		wantErr string
	}{
		{name: "connecting", stall: func(_ *sftptest.Server, proxy *sftptest.Proxy) { proxy.Stall() },
			wantErr: `upload "/out/evt-1.edi": connect: server did not answer in time (250ms)`},
		{name: "writing", stall: func(srv *sftptest.Server, proxy *sftptest.Proxy) {
			srv.SetHook(func(op sftptest.Op) error {
				if op.Method == "Put" {
					proxy.Stall() // the answer never comes
				}
				return nil
			})
		}, wantErr: `upload "/out/evt-1.edi": server did not answer in time (250ms)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			proxy := sftptest.NewProxy(t, srv.Addr())
			u := newUpload(t, srv, func(c *sftp.PublisherConfig) {
				c.Addr = proxy.Addr()
				c.Timeout = timeout
				c.MaxRetries = -1
			})
			tt.stall(srv, proxy)
			err := u.pub.Publish("out", outMsg("evt-1", "UNB"))
			require.ErrorIs(t, err, sftp.ErrTimeout)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.False(t, transports.IsPermanent(err))
			proxy.Resume()
		})
	}
}
