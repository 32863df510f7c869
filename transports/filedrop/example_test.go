package filedrop_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

// A publisher delivers a message as a file; a subscriber on the same folder
// picks it up as a partner's drop would be.
func Example() {
	dir, err := os.MkdirTemp("", "pcsgate-filedrop-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir, Extension: ".edi"}, nil)
	if err != nil {
		panic(err)
	}
	out := message.NewMessage(watermill.NewUUID(), []byte("UNB+UNOC:3+MSCU+NLRTMPB'"))
	out.Metadata.Set(transports.MetaOutName, "coreor-0412")
	if err := pub.Publish("outbound", out); err != nil {
		panic(err)
	}

	sub, err := filedrop.NewSubscriber(filedrop.Config{Dir: dir, Settle: time.Millisecond, Poll: 10 * time.Millisecond}, nil)
	if err != nil {
		panic(err)
	}
	defer sub.Close()
	msgs, err := sub.Subscribe(context.Background(), "partner-drop")
	if err != nil {
		panic(err)
	}
	in := <-msgs
	fmt.Println(in.Metadata.Get(transports.MetaEndpoint), in.Metadata.Get(transports.MetaFilename), string(in.Payload))
	in.Ack() // after the store commit: the file moves to archive/YYYY-MM-DD/
	// Output: partner-drop coreor-0412.edi UNB+UNOC:3+MSCU+NLRTMPB'
}
