package sftp_test

import (
	"context"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// A publisher uploads a message as a file to a partner's server; a
// subscriber on the same folder picks it up as it would a partner's file.
func Example() {
	srv, err := sftptest.Start(sftptest.Options{}) // stands in for the partner's server
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	if err := srv.Partner().MkdirAll("/outbox"); err != nil {
		panic(err)
	}
	conn := sftp.Connection{
		Addr:               srv.Addr(),
		User:               srv.User(),
		Password:           srv.Password(),
		HostKeyFingerprint: srv.Fingerprint(), // as `ssh-keygen -lf` prints it
	}

	pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: "/outbox", Extension: ".edi"}, nil)
	if err != nil {
		panic(err)
	}
	defer pub.Close()
	out := message.NewMessage(watermill.NewUUID(), []byte("UNB+UNOC:3+MSCU+NLRTMPB'"))
	out.Metadata.Set(transports.MetaOutName, "coreor-0412")
	if err := pub.Publish("partner-sftp", out); err != nil {
		panic(err)
	}

	sub, err := sftp.NewSubscriber(sftp.Config{Connection: conn, Dir: "/outbox", Schedule: "*/5 * * * *"}, nil)
	if err != nil {
		panic(err)
	}
	defer sub.Close()
	msgs, err := sub.Subscribe(context.Background(), "partner-sftp") // lists /outbox at once
	if err != nil {
		panic(err)
	}
	in := <-msgs
	fmt.Println(in.Metadata.Get(transports.MetaEndpoint), in.Metadata.Get(transports.MetaFilename), string(in.Payload))
	in.Ack() // after the store commit: the file moves to /outbox/archive/YYYY-MM-DD/
	// Output: partner-sftp coreor-0412.edi UNB+UNOC:3+MSCU+NLRTMPB'
}
