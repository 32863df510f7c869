package pipeline_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
	"github.com/nexport/pcsgate/transports/store"
)

// fleetMember is one gateway of a test fleet: an inbox shared with the
// others, on a shared store.
type fleetMember struct {
	gw   *pipeline.Gateway
	stop func()
}

// fleetConfig is one inbox, "portbase-in", in dir, on the store dsn.
func fleetConfig(dir, dsn string) *pipeline.Config {
	return &pipeline.Config{
		Store:             dsn,
		CredentialKeyFile: filepath.Join(dir, "credential.key"),
		Monitor:           pipeline.MonitorConfig{Listen: pipeline.ListenOff},
		Endpoints: []pipeline.Endpoint{{Name: "portbase-in", Direction: "in", Transport: "filedrop",
			Filedrop: &filedrop.Config{Dir: filepath.Join(dir, "inbox", "portbase"), Settle: time.Millisecond, Poll: 20 * time.Millisecond}}},
	}
}

// newFleetMember builds a gateway on cfg with leases of ttl; run starts it.
func newFleetMember(t *testing.T, cfg *pipeline.Config, ttl time.Duration) *fleetMember {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(t, err)
	pipeline.LeaseForTest(gw, ttl)
	return &fleetMember{gw: gw}
}

func (m *fleetMember) run(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.gw.RunRouter(ctx) }()
	var once sync.Once
	m.stop = func() {
		once.Do(func() {
			cancel()
			assert.NoError(t, <-done)
			assert.NoError(t, m.gw.Close())
		})
	}
	t.Cleanup(m.stop)
	select {
	case <-m.gw.Running():
	case <-time.After(10 * time.Second):
		t.Fatal("router did not start")
	}
}

// holder waits for the lease of portbase-in to be held by another than
// not and returns it.
func holder(t *testing.T, s *store.Store, not string) store.Lease {
	t.Helper()
	return holderOf(t, s, "inbound/portbase-in", not)
}

// holderOf waits for the lease name to be held by another than not and
// returns it.
func holderOf(t *testing.T, s *store.Store, name, not string) store.Lease {
	t.Helper()
	var got store.Lease
	require.Eventually(t, func() bool {
		leases, err := s.Leases(context.Background())
		require.NoError(t, err)
		for _, l := range leases {
			if l.Name == name && l.Holder != not {
				got = l
				return true
			}
		}
		return false
	}, 20*time.Second, 5*time.Millisecond, "a holder other than %q", not)
	return got
}

func dropIn(t *testing.T, dir, name, content string) {
	t.Helper()
	tmp := filepath.Join(dir, "inbox", "portbase", "."+name)
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, "inbox", "portbase", name)))
}

// takenIn waits until the release key has an event and returns it.
func takenIn(t *testing.T, s *store.Store, key string) store.EventRow {
	t.Helper()
	var evs []store.EventRow
	require.Eventually(t, func() bool {
		var err error
		evs, err = s.ReleaseEvents(context.Background(), key)
		return err == nil && len(evs) > 0
	}, 20*time.Second, 10*time.Millisecond, "release %s taken in", key)
	require.Len(t, evs, 1)
	return evs[0]
}

// Two gateways on one store and one inbox: while a dead instance's lease
// stands, neither picks up; once it expires one of them takes the inbox
// and the file; when that one hangs, the other takes over within the
// lease's time.
func TestInboxLeaseMovesAcrossTheFleet(t *testing.T) {
	testInboxLease(t, "sqlite:"+filepath.Join(t.TempDir(), "pcsgate.db"), 600*time.Millisecond, 5*time.Second)
}

// testInboxLease runs the fleet test on the store dsn with leases of ttl;
// a hung holder's inbox must move within bound.
func testInboxLease(t *testing.T, dsn string, ttl, bound time.Duration) {
	dir := t.TempDir()
	a := newFleetMember(t, fleetConfig(dir, dsn), ttl)
	b := newFleetMember(t, fleetConfig(dir, dsn), ttl)
	s := a.gw.Store()
	ctx := context.Background()
	dead, got, err := s.TryAcquireLease(ctx, "inbound/portbase-in", "dead", ttl)
	require.NoError(t, err)
	require.True(t, got)
	dropIn(t, dir, "r1.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	a.run(t)
	b.run(t)

	ev := takenIn(t, s, "SEA/NLRTM/MSC/MEDUNL0001/CSQU3054383")
	assert.False(t, ev.ReceivedAt.Before(dead.ExpiresAt), "taken in at %v, while the dead instance's lease ran until %v", ev.ReceivedAt, dead.ExpiresAt)
	first := holder(t, s, "dead")
	members := map[string]*fleetMember{pipeline.InstanceIDForTest(a.gw): a, pipeline.InstanceIDForTest(b.gw): b}
	held, other := members[first.Holder], a
	require.NotNil(t, held, "held by a member: %+v", first)
	if held == a {
		other = b
	}

	frozen := time.Now()
	pipeline.FreezeForTest(held.gw)
	next := holder(t, s, first.Holder)
	took := time.Since(frozen)
	assert.Equal(t, pipeline.InstanceIDForTest(other.gw), next.Holder)
	t.Logf("taken over %v after the holder hung", took)
	assert.Less(t, took, bound, "taken over within the lease's time and a try")
	assert.False(t, next.AcquiredAt.Before(first.ExpiresAt), "not before the hung holder's lease expired")
	dropIn(t, dir, "r2.edi", coreor("R2", "NLRTM", "MWCU6059784", "MEDUNL0002"))
	takenIn(t, s, "SEA/NLRTM/MSC/MEDUNL0002/MWCU6059784")

}

// A clean stop leaves the fleet: the instance is no longer listed and its
// lease, good for a minute more, is free at once.
func TestCleanStopGivesTheLeaseBack(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	a := newFleetMember(t, fleetConfig(dir, dsn), time.Minute)
	a.run(t)
	s, err := store.Open(context.Background(), dsn, nil)
	require.NoError(t, err)
	defer s.Close()
	held := holder(t, s, "")
	assert.Equal(t, pipeline.InstanceIDForTest(a.gw), held.Holder)

	a.stop()
	ctx := context.Background()
	_, got, err := s.TryAcquireLease(ctx, "inbound/portbase-in", "probe", time.Minute)
	require.NoError(t, err)
	assert.True(t, got, "free after a clean stop, though it ran until %v", held.ExpiresAt)
	ins, err := s.Instances(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, ins, "the instance left")
}

// A gateway started with another credential key than the store's first is
// refused before it does anything; with the first key it starts again.
func TestGatewayRefusesAnotherCredentialKey(t *testing.T) {
	dir := t.TempDir()
	reg, err := mappings.Default()
	require.NoError(t, err)
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	open := func(keyFile string) error {
		cfg := fleetConfig(dir, dsn)
		cfg.CredentialKeyFile = filepath.Join(dir, keyFile)
		gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
		if err == nil {
			require.NoError(t, gw.Close())
		}
		return err
	}
	require.NoError(t, open("first.key"))
	err = open("second.key")
	require.ErrorIs(t, err, pipeline.ErrFleetKey)
	assert.Contains(t, err.Error(), "credential_key_file "+filepath.Join(dir, "second.key")+" is not the key the store was first started with")
	require.NoError(t, open("first.key"), "the first key still serves")
}

// /healthz shows the fleet: which instance answers, every instance with
// its heartbeat, and the leases held.
func TestHealthzShowsTheFleet(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	a := newFleetMember(t, fleetConfig(dir, dsn), time.Minute)
	b := newFleetMember(t, fleetConfig(dir, dsn), time.Minute)
	a.run(t)
	b.run(t)
	l := holder(t, a.gw.Store(), "")
	srv := httptest.NewServer(a.gw.MonitorHandler())
	defer srv.Close()
	code, body := call(t, srv, "", http.MethodGet, "/healthz")
	require.Equal(t, http.StatusOK, code)
	var hz struct {
		Fleet pipeline.Fleet `json:"fleet"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &hz), body)
	assert.Equal(t, pipeline.InstanceIDForTest(a.gw), hz.Fleet.Self)
	var ids []string
	for _, in := range hz.Fleet.Instances {
		ids = append(ids, in.ID)
		assert.True(t, in.Alive, in.ID)
		assert.False(t, in.HeartbeatAt.IsZero(), in.ID)
	}
	assert.ElementsMatch(t, []string{pipeline.InstanceIDForTest(a.gw), pipeline.InstanceIDForTest(b.gw)}, ids)
	for _, word := range []string{`"host"`, `"pid"`, `"version"`} {
		assert.NotContains(t, body, word, "the open /healthz names no machine, process or version")
	}
	require.Len(t, hz.Fleet.Leases, 1)
	assert.Equal(t, l.Holder, hz.Fleet.Leases[0].Holder)
	assert.Equal(t, "inbound/portbase-in", hz.Fleet.Leases[0].Name)
}

// GET /api/fleet gives a viewer what /healthz leaves out: each instance's
// host, process id and version.
func TestAPIFleetInFull(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	a := newFleetMember(t, fleetConfig(dir, dsn), time.Minute)
	a.run(t)
	srv := httptest.NewServer(a.gw.MonitorHandler())
	defer srv.Close()
	code, _ := call(t, srv, "", http.MethodGet, "/api/fleet")
	require.Equal(t, http.StatusUnauthorized, code)
	_, secret, err := a.gw.Store().CreateToken(context.Background(), "viewer", store.RoleViewer)
	require.NoError(t, err)
	code, body := call(t, srv, secret, http.MethodGet, "/api/fleet")
	require.Equal(t, http.StatusOK, code, body)
	var f pipeline.Fleet
	require.NoError(t, json.Unmarshal([]byte(body), &f), body)
	require.Len(t, f.Instances, 1)
	in := f.Instances[0]
	assert.Equal(t, pipeline.InstanceIDForTest(a.gw), in.ID)
	assert.Equal(t, os.Getpid(), in.PID)
	assert.NotEmpty(t, in.Host)
	assert.NotEmpty(t, in.Version)
}

// An SFTP pick-up polls from one instance only: the standby never lists
// the folder until the holder hangs; then the holder's polls stop and the
// new holder's take the files. Each instance is given a server of its own
// here, to tell their polls apart; the lease is the endpoint's.
func TestSFTPPollFromOneInstance(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	const ttl = 1500 * time.Millisecond
	a, la := sftpMember(t, dir, dsn, ttl)
	b, lb := sftpMember(t, dir, dsn, ttl)
	a.run(t)
	b.run(t)
	s := a.gw.Store()
	first := holderOf(t, s, "inbound/dakosy-in", "")
	held, lh, lo := a, la, lb
	if first.Holder == pipeline.InstanceIDForTest(b.gw) {
		held, lh, lo = b, lb, la
	}
	require.Eventually(t, func() bool { return lh.lists.Load() >= 2 }, 20*time.Second, 10*time.Millisecond, "polled at start and on schedule")
	assert.Zero(t, lo.lists.Load(), "the standby does not poll")

	pipeline.FreezeForTest(held.gw)
	holderOf(t, s, "inbound/dakosy-in", first.Holder)
	require.NoError(t, lo.srv.Put("/in/r3.edi", []byte(coreor("R3", "NLRTM", "CSQU3054383", "MEDUNL0003"))))
	takenIn(t, s, "SEA/NLRTM/MSC/MEDUNL0003/CSQU3054383")
	stopped := lh.lists.Load()
	since := lo.lists.Load()
	require.Eventually(t, func() bool { return lo.lists.Load() >= since+2 }, 20*time.Second, 10*time.Millisecond, "the new holder polls on")
	assert.Equal(t, stopped, lh.lists.Load(), "the hung holder's polls stopped")
}

// listCounter is an SFTP server that counts the listings of /in.
type listCounter struct {
	srv   *sftptest.Server
	lists atomic.Int32
}

// sftpMember is a fleet member whose one endpoint, dakosy-in, polls a
// server of its own every second.
func sftpMember(t *testing.T, dir, dsn string, ttl time.Duration) (*fleetMember, *listCounter) {
	t.Helper()
	lc := &listCounter{srv: sftptest.New(t, sftptest.Options{})}
	require.NoError(t, lc.srv.Partner().MkdirAll("/in"))
	lc.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "List" && op.Path == "/in" {
			lc.lists.Add(1)
		}
		return nil
	})
	cfg := fleetConfig(dir, dsn)
	cfg.Endpoints = []pipeline.Endpoint{{Name: "dakosy-in", Direction: "in", Transport: "sftp", SFTP: &sftp.Config{
		Connection: sftp.Connection{Addr: lc.srv.Addr(), User: lc.srv.User(), Password: lc.srv.Password(),
			HostKeyFingerprint: lc.srv.Fingerprint(), Timeout: 5 * time.Second, Backoff: time.Millisecond},
		Dir: "/in", Schedule: "@every 1s"}}}
	return newFleetMember(t, cfg, ttl), lc
}
