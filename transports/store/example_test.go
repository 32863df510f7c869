package store_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/store"
)

// A ledger handler saves the release and publishes its output in one
// transaction; a later stage subscribes to the output.
func Example() {
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite::memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	sub, err := s.Subscriber("route")
	if err != nil {
		log.Fatal(err)
	}
	accepted, err := sub.Subscribe(ctx, "accepted")
	if err != nil {
		log.Fatal(err)
	}

	err = s.InTx(ctx, func(tx *store.Tx) error {
		if dup, err := tx.Seen(store.DedupeInterchange, "MSCU/000123"); err != nil || dup {
			return err
		}
		meta := store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM", Carrier: "MSCU", Holder: "ACME"}
		if err := tx.SaveRelease("NLRTM/MSCU/MEDU123/MSCU1234565", meta, []byte(`{"status":"RELEASED"}`), 0); err != nil {
			return err
		}
		return tx.Publish("accepted", message.NewMessage("evt-1", []byte(`{"type":"RELEASE_CREATED"}`)))
	})
	if err != nil {
		log.Fatal(err)
	}

	msg := <-accepted
	fmt.Println(msg.UUID, string(msg.Payload))
	msg.Ack()

	rows, err := s.ListReleases(ctx, store.ListFilter{Port: "NLRTM"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows[0].Key, rows[0].Status, rows[0].Version)
	// Output:
	// evt-1 {"type":"RELEASE_CREATED"}
	// NLRTM/MSCU/MEDU123/MSCU1234565 RELEASED 1
}
