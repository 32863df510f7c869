package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"time"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/nexport/pcsgate/transports/store"
)

// A fleet is the pcsgate instances that share one PostgreSQL store. Each
// registers in the store when its router starts and heartbeats there; the
// inbound work that must be done once (an inbox folder on a shared volume,
// an SFTP poll schedule) is done by the instance holding its lease (see
// leasedSubscriber). Webhooks need no lease: whichever instance a request
// reaches takes it in. On SQLite, which one process owns, the gateway
// registers too (pcsgate status lists it) but takes no leases.

// Fleet timings. A lease lives leaseTTL by the database's clock and is
// renewed every renewEvery; its holder stops the work on its own once
// leaseTTL-leaseMargin have passed since its last renewal began, before
// the database would let another take it. A standby tries to take a free
// lease every acquireEvery, so a dead holder's work moves within about
// leaseTTL+acquireEvery of its last renewal (7 s).
const (
	heartbeatEvery = 2 * time.Second
	leaseTTL       = 6 * time.Second
	renewEvery     = 2 * time.Second
	leaseMargin    = time.Second
	acquireEvery   = time.Second
)

// fleetTimings are the waits of fleet membership; tests shorten them.
type fleetTimings struct {
	heartbeat, ttl, renew, margin, acquire time.Duration
}

var defaultFleetTimings = fleetTimings{heartbeatEvery, leaseTTL, renewEvery, leaseMargin, acquireEvery}

// fleet is this gateway's membership of its fleet.
type fleet struct {
	st     *store.Store
	logger watermill.LoggerAdapter
	self   store.Instance
	t      fleetTimings
	// leasing says inbound work is taken under leases: on PostgreSQL.
	leasing bool
	// frozen, for tests, stops heartbeats and renewals as a hung process
	// would.
	frozen chan struct{}
}

func newFleet(st *store.Store, logger watermill.LoggerAdapter, version string) *fleet {
	host, _ := os.Hostname()
	if version == "" {
		version = "unknown" // a gateway built without Config.Version: pcsgate run sets it
	}
	return &fleet{
		st: st, logger: logger, t: defaultFleetTimings,
		self:    store.Instance{ID: newInstanceID(), Host: host, PID: os.Getpid(), Version: version},
		leasing: st.Backend() == store.BackendPostgres,
	}
}

// newInstanceID names an instance for its life: random, since host and
// pid repeat across restarts and containers.
func newInstanceID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// join registers the instance and heartbeats until ctx ends; leave stops
// that and removes the instance with the leases it still holds, so that
// others take them at once.
func (f *fleet) join(ctx context.Context) (leave func(), err error) {
	if f.self, err = f.st.Register(ctx, f.self); err != nil {
		return nil, err
	}
	f.logger.Info("Joined the fleet", watermill.LogFields{"instance": f.self.ID, "host": f.self.Host, "pid": f.self.PID})
	hctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.heartbeat(hctx)
	}()
	return func() {
		stop()
		<-done
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := f.st.Unregister(uctx, f.self.ID); err != nil {
			f.logger.Error("Cannot leave the fleet; its leases expire on their own", err, watermill.LogFields{"instance": f.self.ID})
		}
	}, nil
}

// heartbeat records the instance alive every t.heartbeat until ctx ends,
// registering it again when it was forgotten (gone for a day).
func (f *fleet) heartbeat(ctx context.Context) {
	tick := time.NewTicker(f.t.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.frozen:
			return
		case <-tick.C:
		}
		err := f.st.Heartbeat(ctx, f.self.ID)
		if errors.Is(err, store.ErrNotFound) {
			_, err = f.st.Register(ctx, f.self)
		}
		if err != nil && ctx.Err() == nil {
			f.logger.Error("Heartbeat not recorded", err, watermill.LogFields{"instance": f.self.ID})
		}
	}
}

// isFrozen reports whether a test froze the instance.
func (f *fleet) isFrozen() bool {
	select {
	case <-f.frozen:
		return true
	default:
		return false
	}
}

// leaseName is the lease of an inbound endpoint's pick-up, named after
// the endpoint: every instance of a fleet runs the same configuration, and
// its folder or server is the same for all.
func leaseName(ep *Endpoint) string { return "inbound/" + ep.Name }

// Fleet is what the store knows of a fleet: its instances, alive or gone,
// and the leases held. It holds nothing secret; /healthz shows it.
type Fleet struct {
	// Self is the id of the instance that answers, when it is one.
	Self      string           `json:"self,omitempty"`
	Instances []store.Instance `json:"instances"`
	Leases    []store.Lease    `json:"leases"`
}

// Anonymous is the fleet as the open /healthz shows it: instances by id,
// heartbeat and liveness, without host, process id or version, which tell
// an unauthenticated caller more about the machines than it needs.
func (f Fleet) Anonymous() Fleet {
	out := Fleet{Self: f.Self, Leases: f.Leases, Instances: make([]store.Instance, len(f.Instances))}
	for i, in := range f.Instances {
		out.Instances[i] = store.Instance{ID: in.ID, StartedAt: in.StartedAt, HeartbeatAt: in.HeartbeatAt, Alive: in.Alive}
	}
	return out
}

// FleetOf reads the fleet of the store st: instances are gone once their
// heartbeat is older than store.InstanceGoneAfter.
func FleetOf(ctx context.Context, st *store.Store) (Fleet, error) {
	ins, err := st.Instances(ctx, 0)
	if err != nil {
		return Fleet{}, err
	}
	ls, err := st.Leases(ctx)
	if err != nil {
		return Fleet{}, err
	}
	if ins == nil {
		ins = []store.Instance{}
	}
	if ls == nil {
		ls = []store.Lease{}
	}
	return Fleet{Instances: ins, Leases: ls}, nil
}
