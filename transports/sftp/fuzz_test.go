package sftp_test

import (
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
)

var fuzzNames = []string{
	"COREOR_0412.edi", "evt-1", "../escape", "a/b", ".hidden", "a..b", "a.part", "a.done", "a.tmp",
	"a\x00b", "a\nb", "\xff\xfe", "é.xml", " lead", "trail ", "a\u202eb", strings.Repeat("n", 210),
}

// FuzzHostKeyFingerprint: no fingerprint setting panics Validate; one it
// accepts is a SHA256 fingerprint.
func FuzzHostKeyFingerprint(f *testing.F) {
	for _, s := range []string{"SHA256:" + fortyThreeAs, "SHA256:" + fortyThreeAs + "=", "SHA256:", "MD5:aa:bb", "", "SHA256:!!!!", "256 SHA256:" + fortyThreeAs + " x (ED25519)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, fp string) {
		conn := validConn
		conn.HostKeyFingerprint = fp
		err := sftp.PublisherConfig{Connection: conn, Dir: "out"}.Validate()
		if err == nil {
			assert.True(t, strings.HasPrefix(fp, "SHA256:"), "accepted %q", fp)
			return
		}
		require.ErrorIs(t, err, transports.ErrBadConfig)
		assert.NotContains(t, err.Error(), "\n"+fp, "the value must be quoted")
	})
}

// FuzzSchedule: no schedule panics Validate or NewSubscriber; one that is
// accepted builds a subscriber.
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{"@every 30s", "*/5 * * * *", "0 7 * * 1-5", "CRON_TZ=Europe/Amsterdam 0 * * * *", "@every -1s", "0 0 30 2 *", "* * * * * *", "@every 0s", "TZ=", "1-0/0 * * * *", "@hourly", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, schedule string) {
		cfg := sftp.Config{Connection: validConn, Dir: "in", Schedule: schedule}
		if err := cfg.Validate(); err != nil {
			require.ErrorIs(t, err, transports.ErrBadConfig)
			return
		}
		sub, err := sftp.NewSubscriber(cfg, nil)
		require.NoError(t, err)
		require.NoError(t, sub.Close())
	})
}

// FuzzPickupName: whatever a partner names a file, it is left on the
// server or delivered under its own name; it never moves anywhere but the
// archive.
func FuzzPickupName(f *testing.F) {
	for _, n := range fuzzNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || len(name) > 255 {
			t.Skip("not a name a folder can hold")
		}
		p := newPickup(t, nil, nil)
		require.NoError(t, p.srv.WriteFile(path.Join("/in", name), []byte("x")))
		queued := p.poll(t)
		if len(queued) == 0 {
			_, unsafe := transports.SafeName(name)
			ignorable := name[0] == '.' || strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".done")
			assert.True(t, ignorable || unsafe != nil, "%q neither taken nor ignored", name)
			assert.True(t, p.srv.Exists(path.Join("/in", name)))
			return
		}
		require.Equal(t, []string{name}, queued)
		msg := p.receive(t)
		assert.Equal(t, name, msg.Metadata.Get(transports.MetaFilename))
		require.True(t, msg.Ack())
		waitFiles(t, p.srv, "/in/archive", "2026-03-14/"+name)
	})
}

// FuzzPublish: whatever the out name and payload, a file lands in the
// delivery folder under that name with exactly that content, or the
// message fails for good; nothing is written elsewhere.
func FuzzPublish(f *testing.F) {
	for _, n := range fuzzNames {
		f.Add(n, []byte("UNB+UNOC:3'"))
	}
	f.Add("evt-empty", []byte{})
	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		u := newUpload(t, nil, func(c *sftp.PublisherConfig) { c.Extension = "" })
		msg := outMsg(name, string(payload))
		err := u.pub.Publish("out", msg)
		top := nameList(t, u.srv, "/")
		assert.Equal(t, []string{"in", "out"}, top, "something was written beside the delivery folder")
		got := nameList(t, u.srv, "/out")
		if err != nil {
			require.True(t, transports.IsPermanent(err), "%v", err)
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			assert.Empty(t, got)
			return
		}
		want := name
		if want == "" {
			want = msg.UUID
		}
		require.Equal(t, []string{want}, got)
		content, rerr := u.srv.ReadFile(path.Join("/out", want))
		require.NoError(t, rerr)
		assert.Equal(t, string(payload), string(content))
	})
}
