package http_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

// An Outbound posts a release notification to an Inbound webhook, signed
// with a shared secret. The Inbound answers 202 only once its consumer has
// acked the message, so Publish returns only then.
func Example() {
	auth := httptr.AuthConfig{HMACSecret: "shared-secret"}
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/cpu", Auth: auth}, nil)
	if err != nil {
		panic(err)
	}
	defer in.Close()
	srv := httptest.NewServer(in)
	defer srv.Close()

	msgs, err := in.Subscribe(context.Background(), "cpu-webhook")
	if err != nil {
		panic(err)
	}
	go func() {
		for msg := range msgs {
			fmt.Println("received", msg.Metadata.Get(transports.MetaIdempotencyKey), string(msg.Payload))
			msg.Ack() // after the store commit
		}
	}()

	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: srv.URL + in.Path(), Auth: auth, ContentType: "application/json"}, nil)
	if err != nil {
		panic(err)
	}
	defer out.Close()
	msg := message.NewMessage(watermill.NewUUID(), []byte(`{"type":"ReleaseRight","id":"CSQU3054383"}`))
	msg.Metadata.Set(transports.MetaOutName, "evt-42")
	err = out.Publish("cpu", msg)
	fmt.Println("delivered:", err == nil)
	// Output:
	// received evt-42 {"type":"ReleaseRight","id":"CSQU3054383"}
	// delivered: true
}
