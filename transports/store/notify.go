package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// On PostgreSQL every insert into a subscribed topic's table notifies the
// channel notifyChannel with the topic's name, from a trigger, so the
// notification goes out when the publishing transaction commits (and not
// at all when it rolls back). Each process listens on one connection per
// database while it has subscriptions, and wakes the topic's idle
// subscriptions as a publish through the same process does. Polling stays
// as the fallback for a lost connection.

// notifyChannel is the channel of publish notifications.
const notifyChannel = "pcsgate_publish"

// notifyTrigger is the trigger's name on each topic table.
const notifyTrigger = "pcsgate_notify"

// notifyLock is the advisory lock under which the trigger is created, so
// instances subscribing together do not create it twice.
const notifyLock = 0x70637374 // "pcst"

// ensureNotifyTrigger adds the notifying trigger to topic's messages table
// unless it is there already.
func (s *Store) ensureNotifyTrigger(ctx context.Context, topic string) error {
	table := MessagesTable(topic)
	err := s.rawTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, notifyLock); err != nil {
			return err
		}
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2`,
			table, notifyTrigger).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		literal := "'" + strings.ReplaceAll(topic, "'", "''") + "'"
		_, err = tx.ExecContext(ctx, `CREATE TRIGGER `+notifyTrigger+` AFTER INSERT ON `+table+
			` FOR EACH STATEMENT EXECUTE FUNCTION pcsgate_notify_publish(`+literal+`)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("topic %s notifications: %w", errtext.Quote(topic), err)
	}
	return nil
}

// listener is the connection listening for publish notifications of one
// database in this process, open while subscriptions use it.
type listener struct {
	refs   int
	cancel context.CancelFunc
	done   chan struct{}
}

var listeners = struct {
	sync.Mutex
	m map[*shared]*listener
}{m: map[*shared]*listener{}}

// listen makes sure this process listens for publish notifications of s's
// database and returns the function that stops using it; the connection
// closes once its last user stopped.
func (s *Store) listen() func() {
	listeners.Lock()
	defer listeners.Unlock()
	l := listeners.m[s.sh]
	if l == nil {
		ctx, cancel := context.WithCancel(context.Background())
		l = &listener{cancel: cancel, done: make(chan struct{})}
		listeners.m[s.sh] = l
		go s.listenLoop(ctx, l.done)
	}
	l.refs++
	var once sync.Once
	return func() { once.Do(func() { s.unlisten(l) }) }
}

// unlisten drops one use of l, closing it with the last.
func (s *Store) unlisten(l *listener) {
	listeners.Lock()
	l.refs--
	last := l.refs == 0
	if last {
		delete(listeners.m, s.sh)
	}
	listeners.Unlock()
	if last {
		l.cancel()
		<-l.done
	}
}

// listenLoop keeps a listening connection until ctx ends, connecting again
// after RetryInterval when it fails.
func (s *Store) listenLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	for {
		err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		s.logger.Error("store: listening for publishes failed; polling meanwhile", err, watermill.LogFields{"wait_time": s.cfg.RetryInterval})
		t := time.NewTimer(s.cfg.RetryInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// listenOnce connects, listens and wakes the subscriptions of each topic
// notified, until the connection fails or ctx ends.
func (s *Store) listenOnce(ctx context.Context) error {
	pc, err := pgx.ParseConfig(s.dsn.URL)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(ctx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.sh.notify(n.Payload)
	}
}
