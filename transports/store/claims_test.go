package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// envHungDSN makes the test binary the member that TestPostgresHungMember
// stops.
const envHungDSN = "PCSGATE_TEST_HUNG_DSN"

// TestPostgresHungMemberHelper is the member that hangs: with the default
// limits (30 s ack deadline, 10 s idle timeout) it takes the first batch of
// group "g" on topic "held", says so and waits to be stopped. It runs only
// when TestPostgresHungMember starts it.
func TestPostgresHungMemberHelper(t *testing.T) {
	dsn := os.Getenv(envHungDSN)
	if dsn == "" {
		t.Skip("started by TestPostgresHungMember")
	}
	s, err := store.OpenConfig(context.Background(), store.Config{DSN: dsn}, nil)
	require.NoError(t, err)
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(context.Background(), "held")
	require.NoError(t, err)
	<-ch
	_, _ = os.Stdout.WriteString("holding\n")
	select {} // stopped with SIGSTOP, then killed
}

// startHungMember starts TestPostgresHungMemberHelper on dsn, waits until
// it holds a batch and stops it (SIGSTOP). It returns when it stopped it.
func startHungMember(t *testing.T, dsn string) time.Time {
	return stopHelperHolding(t, "TestPostgresHungMemberHelper", envHungDSN, dsn)
}

// stopHelperHolding runs the test helper named test in a process of its
// own, with env set to dsn, waits until it prints "holding" and stops it
// with SIGSTOP; it returns when it stopped it. The process is killed when
// the test ends.
func stopHelperHolding(t *testing.T, test, env, dsn string) time.Time {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env+"="+dsn)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	held := false
	for !held && lines.Scan() {
		held = lines.Text() == "holding"
	}
	require.True(t, held, "%s never held its message: another member took it", test)
	require.NoError(t, cmd.Process.Signal(syscall.SIGSTOP))
	return time.Now()
}

func TestPostgresHungMember(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	s := openPostgres(t, store.Config{DSN: dsn, AckDeadline: 30 * time.Second, IdleInTxTimeout: 10 * time.Second})
	pub := s.Publisher()
	require.NoError(t, pub.Publish("held", message.NewMessage("m1", nil)))
	stopped := startHungMember(t, dsn)

	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	other, err := sub.Subscribe(ctx, "other")
	require.NoError(t, err)
	require.NoError(t, pub.Publish("other", message.NewMessage("o1", nil)))
	m := receive(t, other)
	m.Ack()
	assert.Equal(t, "o1", m.UUID)
	assert.Less(t, time.Since(stopped), 5*time.Second, "another topic waits for no claim")

	held, err := sub.Subscribe(ctx, "held")
	require.NoError(t, err)
	require.NoError(t, pub.Publish("held", message.NewMessage("m2", nil)))
	var got []string
	for len(got) < 2 {
		m := receive(t, held)
		m.Ack()
		got = append(got, m.UUID)
	}
	took := time.Since(stopped)
	assert.Equal(t, []string{"m1", "m2"}, got, "the held batch first, nothing lost")
	assert.Less(t, took, 10*time.Second, "the group resumes within 10 s")
	t.Logf("the group resumed %.1f s after its member stopped", took.Seconds())
}

// An acknowledgement made after the member's claim was taken over is not
// recorded: the new holder owns the group's position, and the message is
// delivered again once that claim ends, here when it expires.
func TestPostgresAckAfterClaimLost(t *testing.T) {
	dsn := postgresDSN(t)
	s := openPostgres(t, store.Config{DSN: dsn})
	ctx := context.Background()
	require.NoError(t, s.Publisher().Publish("lost", message.NewMessage("m1", nil)))
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "lost")
	require.NoError(t, err)
	m := receive(t, ch)

	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	res, err := admin.Exec(`UPDATE subscription_claims SET holder = 'another', gen = gen + 1,
expires_at = clock_timestamp() + interval '200 milliseconds' WHERE topic = 'lost' AND consumer_group = 'g'`)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the member held the claim while its handler worked")
	m.Ack()

	again := receive(t, ch)
	again.Ack()
	assert.Equal(t, "m1", again.UUID, "delivered again: the ack came too late")
	require.NoError(t, s.Publisher().Publish("lost", message.NewMessage("m2", nil)))
	next := receive(t, ch)
	next.Ack()
	assert.Equal(t, "m2", next.UUID, "the second ack was recorded")
}
