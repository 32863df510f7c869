//go:build integration && linux

package sftp_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// sshd is a real OpenSSH server, run for one test from a temporary folder
// as the current user, with internal-sftp and one authorised key.
type sshd struct {
	t       *testing.T
	bin     string
	dir     string // its files; the SFTP tree is the real file system
	config  string
	addr    string
	hostKey ssh.PublicKey
	keyFile string // the client's private key
	user    string

	logFile string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// log returns what sshd has logged so far.
func (s *sshd) log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

func startSSHD(t *testing.T) *sshd {
	t.Helper()
	bin := os.Getenv("PCSGATE_TEST_SSHD")
	if bin == "" {
		t.Skip("set PCSGATE_TEST_SSHD=/usr/sbin/sshd (apt-get install openssh-server) to run against OpenSSH")
	}
	if os.Geteuid() == 0 {
		// sshd running as root needs its privilege separation folder,
		// which only its service unit creates.
		if _, err := os.Stat("/run/sshd"); errors.Is(err, os.ErrNotExist) {
			require.NoError(t, os.MkdirAll("/run/sshd", 0o755))
		}
	}
	me, err := user.Current()
	require.NoError(t, err)
	dir := t.TempDir()

	hostSigner, hostPEM, err := sftptest.NewKey("")
	require.NoError(t, err)
	userSigner, userPEM, err := sftptest.NewKey("")
	require.NoError(t, err)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	hostKeyFile := write("ssh_host_ed25519_key", hostPEM)
	s := &sshd{t: t, bin: bin, dir: dir, hostKey: hostSigner.PublicKey(), keyFile: write("id_ed25519", userPEM), user: me.Username, logFile: filepath.Join(dir, "sshd.log")}
	authorized := write("authorized_keys", []byte(sftptest.AuthorizedKeyLine(userSigner.PublicKey())))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr = ln.Addr().String()
	require.NoError(t, ln.Close())

	s.config = write("sshd_config", []byte(strings.Join([]string{
		"ListenAddress " + s.addr,
		"HostKey " + hostKeyFile,
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"AuthorizedKeysFile " + authorized,
		"StrictModes no",
		"UsePAM no",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"PermitRootLogin prohibit-password",
		"Subsystem sftp internal-sftp",
		"LogLevel INFO",
		"",
	}, "\n")))
	s.start()
	t.Cleanup(s.stop)
	return s
}

// start runs sshd and waits until it accepts connections.
func (s *sshd) start() {
	t := s.t
	t.Helper()
	logFile, err := os.OpenFile(s.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	require.NoError(t, err)
	defer logFile.Close()
	cmd := exec.Command(s.bin, "-D", "-e", "-f", s.config)
	cmd.Stdout, cmd.Stderr = logFile, logFile // a file: Wait does not wait for session processes holding it
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, 100*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-exited:
			require.FailNow(t, "sshd exited", "log:\n%s", s.log())
		default:
		}
		if time.Now().After(deadline) {
			require.FailNow(t, "sshd does not accept connections", "log:\n%s", s.log())
		}
		time.Sleep(10 * time.Millisecond) // polling a port: nothing to wait on
	}
}

// stop kills sshd and every session process it started (they run in
// sessions of their own, so only their parentage finds them).
func (s *sshd) stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	for _, pid := range descendants(cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = cmd.Process.Kill()
	<-exited
}

// descendants lists the processes below pid, read from /proc.
func descendants(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces, so cut at the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], child)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// restart kills sshd with its sessions and starts it again on the same
// port, as a partner's server restarting would.
func (s *sshd) restart() {
	s.stop()
	s.start()
}

// connection reaches the sshd at addr (its own, or a proxy's) with the
// user's key, pinning the host key by known_hosts.
func (s *sshd) connection(t *testing.T, addr string) sftp.Connection {
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	require.NoError(t, os.WriteFile(knownHosts, []byte(sftptest.KnownHostsLine(addr, s.hostKey)+"\n"), 0o600))
	return sftp.Connection{
		Addr:           addr,
		User:           s.user,
		PrivateKeyFile: s.keyFile,
		KnownHostsFile: knownHosts,
		Timeout:        10 * time.Second,
		Backoff:        10 * time.Millisecond,
	}
}

// folders makes an inbox and an outbox on the server's file system.
func folders(t *testing.T) (in, out string) {
	root := t.TempDir()
	in, out = filepath.Join(root, "in"), filepath.Join(root, "out")
	require.NoError(t, os.Mkdir(in, 0o700))
	require.NoError(t, os.Mkdir(out, 0o700))
	return in, out
}

// drop writes a file into dir as a careful partner does.
func drop(t *testing.T, dir, name string, data []byte) {
	part := filepath.Join(dir, name+".part")
	require.NoError(t, os.WriteFile(part, data, 0o600))
	require.NoError(t, os.Rename(part, filepath.Join(dir, name)))
}

// localNames lists dir on the server's file system.
func localNames(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// startYearlySubscriber subscribes to in through conn on a yearly schedule
// and a manual clock at day0, and waits for the initial poll to end, so
// that further pick-ups happen only on Poll. stop ends the subscription
// and closes the subscriber.
func startYearlySubscriber(t *testing.T, conn sftp.Connection, in string) (sub *sftp.Subscriber, msgs <-chan *message.Message, stop func()) {
	t.Helper()
	clock := newManualClock(day0)
	sleeps := &pickupSleeps{scheduled: make(chan time.Duration, 1)}
	conn.Sleep = sleeps.sleep
	sub, err := sftp.NewSubscriber(sftp.Config{Connection: conn, Dir: in, Schedule: "@yearly", Clock: clock.Now}, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	stop = func() {
		cancel()
		require.NoError(t, sub.Close())
	}
	msgs, err = sub.Subscribe(ctx, "partner-sftp")
	if err != nil {
		stop()
	}
	require.NoError(t, err)
	select {
	case <-sleeps.scheduled: // the initial poll is over
	case <-time.After(testTimeout):
		stop()
		require.FailNow(t, "the initial poll did not end")
	}
	return sub, msgs, stop
}

func TestOpenSSH(t *testing.T) {
	s := startSSHD(t)
	big := bytes.Repeat([]byte("UNH+1+COREOR:D:00B:UN'BGM+129+REL0412+9'"), 200_000) // 8 MB

	newSub := func(t *testing.T, conn sftp.Connection, in string) (*sftp.Subscriber, <-chan *message.Message) {
		sub, msgs, stop := startYearlySubscriber(t, conn, in)
		t.Cleanup(stop)
		return sub, msgs
	}
	newPub := func(t *testing.T, conn sftp.Connection, out string) *sftp.Publisher {
		pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: out, Extension: ".edi"}, nil)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, pub.Close()) })
		return pub
	}

	t.Run("pick-up and archive", func(t *testing.T) {
		in, _ := folders(t)
		drop(t, in, "COREOR_0412.edi", []byte("UNB+UNOC:3'"))
		require.NoError(t, os.WriteFile(filepath.Join(in, "half.edi.part"), []byte("UNB"), 0o600))
		_, msgs := newSub(t, s.connection(t, s.addr), in)

		msg := receiveFrom(t, msgs)
		assert.Equal(t, "UNB+UNOC:3'", string(msg.Payload))
		assert.Equal(t, "COREOR_0412.edi", msg.Metadata.Get(transports.MetaFilename))
		assert.FileExists(t, filepath.Join(in, "COREOR_0412.edi"), "moved before the ack")
		require.True(t, msg.Ack())
		archived := filepath.Join(in, "archive", "2026-03-14", "COREOR_0412.edi")
		require.Eventually(t, func() bool { _, err := os.Stat(archived); return err == nil }, testTimeout, 5*time.Millisecond)
		assert.ElementsMatch(t, []string{"archive", "half.edi.part"}, localNames(t, in))
	})

	t.Run("upload with rename", func(t *testing.T) {
		_, out := folders(t)
		pub := newPub(t, s.connection(t, s.addr), out)
		require.NoError(t, pub.Publish("out", outMsg("evt-1", "first, longer")))
		require.NoError(t, pub.Publish("out", outMsg("evt-1", "retry")))
		assert.Equal(t, []string{"evt-1.edi"}, localNames(t, out))
		got, err := os.ReadFile(filepath.Join(out, "evt-1.edi"))
		require.NoError(t, err)
		assert.Equal(t, "retry", string(got))
	})

	t.Run("wrong host key refused", func(t *testing.T) {
		_, out := folders(t)
		conn := s.connection(t, s.addr)
		conn.KnownHostsFile = ""
		conn.HostKeyFingerprint = ssh.FingerprintSHA256(otherKey(t))
		pub := newPub(t, conn, out)
		err := pub.Publish("out", outMsg("evt-1", "UNB"))
		require.ErrorIs(t, err, sftp.ErrHostKey)
		assert.Contains(t, err.Error(), "sftp "+s.addr+": ")
		assert.Contains(t, err.Error(), "host key ssh-ed25519 "+ssh.FingerprintSHA256(s.hostKey)+" is not the pinned host key: expected "+conn.HostKeyFingerprint)
		assert.Empty(t, localNames(t, out))
	})

	t.Run("connection cut while uploading", func(t *testing.T) {
		_, out := folders(t)
		proxy := sftptest.NewProxy(t, s.addr)
		pub := newPub(t, s.connection(t, proxy.Addr()), out)
		proxy.CutUploadAfter(1 << 20)
		require.NoError(t, pub.Publish("out", outMsg("big", string(big))))
		assert.Equal(t, 2, proxy.Connections(), "reconnected once")
		assert.Equal(t, []string{"big.edi"}, localNames(t, out), "a temporary file was left or a file doubled")
		got, err := os.ReadFile(filepath.Join(out, "big.edi"))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(big, got), "the delivered file differs")
	})

	t.Run("connection cut while downloading", func(t *testing.T) {
		in, _ := folders(t)
		drop(t, in, "big.edi", big)
		proxy := sftptest.NewProxy(t, s.addr)
		proxy.CutDownloadAfter(1 << 20)
		sub, msgs := newSub(t, s.connection(t, proxy.Addr()), in)
		msg := receiveFrom(t, msgs)
		assert.True(t, bytes.Equal(big, msg.Payload), "the delivered payload differs")
		require.True(t, msg.Ack())
		archived := filepath.Join(in, "archive", "2026-03-14", "big.edi")
		require.Eventually(t, func() bool { _, err := os.Stat(archived); return err == nil }, testTimeout, 5*time.Millisecond)
		names, err := sub.Poll()
		require.NoError(t, err)
		assert.Empty(t, names, "delivered twice")
		assert.GreaterOrEqual(t, proxy.Connections(), 2)
	})

	t.Run("server restarted", func(t *testing.T) {
		in, out := folders(t)
		conn := s.connection(t, s.addr)
		pub := newPub(t, conn, out)
		require.NoError(t, pub.Publish("out", outMsg("before", "x")))
		sub, msgs := newSub(t, conn, in)

		s.restart()
		require.NoError(t, pub.Publish("out", outMsg("after", "y")), "sshd log:\n%s", s.log())
		assert.Equal(t, []string{"after.edi", "before.edi"}, localNames(t, out))
		drop(t, in, "after-restart.edi", []byte("z"))
		names, err := sub.Poll()
		require.NoError(t, err)
		assert.Equal(t, []string{"after-restart.edi"}, names)
		require.True(t, receiveFrom(t, msgs).Ack())
	})
	if t.Failed() {
		t.Logf("sshd log:\n%s", s.log())
	}
}
