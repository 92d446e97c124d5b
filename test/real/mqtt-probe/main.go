// A stand-in for inovex/mqtt_blackbox_exporter, written for this repository's tests only: that
// exporter's module cannot be fetched from the Go module proxy here, so this small program
// plays its part in test/real/probe.test.ts. It reads the same YAML configuration file (the
// fields src/probe/config.ts renders), takes the same two flags and exports the same metric
// families with the same labels (`name`, `broker`) and the default histogram buckets, so the
// library's alert rules are checked against the names and semantics the real exporter has.
// Where its behaviour follows the exporter's, the exporter's main.go at v0.7.0 is cited as
// `upstream main.go:LINE` (the library's src/probe/facts.ts cites the same lines).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gopkg.in/yaml.v2"
)

// probe is one entry of `probes:` (upstream main.go:24-36 for the field names).
type probe struct {
	Name         string        `yaml:"name"`
	BrokerURL    string        `yaml:"broker_url"`
	Topic        string        `yaml:"topic"`
	ClientPrefix string        `yaml:"client_prefix"`
	Username     string        `yaml:"username"`
	Password     string        `yaml:"password"`
	Messages     int           `yaml:"messages"`
	Interval     time.Duration `yaml:"interval"`
}

type file struct {
	Probes []probe `yaml:"probes"`
}

func counter(name, help string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"name", "broker"})
	prometheus.MustRegister(c)
	return c
}

var (
	started        = counter("probe_mqtt_started_total", "Round trips begun.")
	completed      = counter("probe_mqtt_completed_total", "Round trips ended, whatever their outcome.")
	published      = counter("probe_mqtt_messages_published_total", "Messages the broker acknowledged in time.")
	publishTimeout = counter("probe_mqtt_messages_publish_timeout_total", "Messages not acknowledged in time.")
	received       = counter("probe_mqtt_messages_received_total", "Messages that came back.")
	timeouts       = counter("probe_mqtt_timeouts_total", "Round trips that did not get every message back in time.")
	failures       = counter("probe_mqtt_errors_total", "Round trips that could not connect or subscribe.")
	duration       = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "probe_mqtt_duration_seconds", Help: "Wall time of a round trip.",
	}, []string{"name", "broker"})
)

func client(p probe, suffix string, wait time.Duration, onMessage mqtt.MessageHandler) (mqtt.Client, error) {
	opts := mqtt.NewClientOptions().AddBroker(p.BrokerURL).SetClientID(p.ClientPrefix + suffix).
		SetUsername(p.Username).SetPassword(p.Password).SetAutoReconnect(false).SetConnectRetry(false)
	if onMessage != nil {
		opts.SetDefaultPublishHandler(onMessage)
	}
	c := mqtt.NewClient(opts)
	t := c.Connect()
	if !t.WaitTimeout(wait) {
		return nil, fmt.Errorf("connect to %s timed out", p.BrokerURL)
	}
	if t.Error() != nil {
		return nil, t.Error()
	}
	return c, nil
}

// roundTrip subscribes, publishes p.Messages messages and waits for them, each phase bounded by a
// third of the interval (upstream main.go:185-186), all at QoS 0 (upstream main.go:188).
func roundTrip(p probe) {
	l := []string{p.Name, p.BrokerURL}
	begin := time.Now()
	third := p.Interval / 3
	// Zero values first, so that every family is there from the first scrape (upstream main.go:192-195).
	for _, c := range []*prometheus.CounterVec{published, received, failures, timeouts} {
		c.WithLabelValues(l...).Add(0)
	}
	started.WithLabelValues(l...).Inc()
	defer func() {
		completed.WithLabelValues(l...).Inc()
		duration.WithLabelValues(l...).Observe(time.Since(begin).Seconds())
	}()
	fail := func(err error) {
		failures.WithLabelValues(l...).Inc()
		log.Printf("probe %s: %v", p.Name, err)
	}
	setupEnd := begin.Add(third)
	back := make(chan struct{}, p.Messages)
	pub, err := client(p, "-p", time.Until(setupEnd), nil)
	if err != nil {
		fail(err)
		return
	}
	defer pub.Disconnect(5)
	sub, err := client(p, "-s", time.Until(setupEnd), func(mqtt.Client, mqtt.Message) {
		select {
		case back <- struct{}{}:
		default:
		}
	})
	if err != nil {
		fail(err)
		return
	}
	defer sub.Disconnect(5)
	if t := sub.Subscribe(p.Topic, 0, nil); t.WaitTimeout(time.Until(setupEnd)) && t.Error() != nil {
		fail(t.Error())
		return
	}
	deadline := time.Now().Add(third)
	for i := 0; i < p.Messages; i++ {
		if pub.Publish(p.Topic, 0, false, fmt.Sprintf("round trip message %d", i)).WaitTimeout(time.Until(deadline)) {
			published.WithLabelValues(l...).Inc()
		} else {
			publishTimeout.WithLabelValues(l...).Inc()
		}
	}
	expire := time.After(time.Until(deadline))
	for n := 0; n < p.Messages; n++ {
		select {
		case <-back:
			received.WithLabelValues(l...).Inc()
		case <-expire:
			timeouts.WithLabelValues(l...).Inc()
			return
		}
	}
}

func main() {
	configFile := flag.String("config.file", "config.yaml", "configuration file")
	listen := flag.String("web.listen-address", ":9214", "metrics address")
	flag.Parse()
	prometheus.MustRegister(duration)
	text, err := os.ReadFile(*configFile)
	if err != nil {
		log.Fatalf("reading %s: %v", *configFile, err)
	}
	var f file
	if err := yaml.UnmarshalStrict(text, &f); err != nil {
		log.Fatalf("parsing %s: %v", *configFile, err)
	}
	for _, p := range f.Probes {
		pause := p.Interval
		if pause == 0 {
			pause = time.Minute // upstream main.go:296-299
			p.Interval = pause
		}
		go func(p probe) {
			for {
				roundTrip(p)
				time.Sleep(pause)
			}
		}(p)
	}
	http.Handle("/metrics", promhttp.Handler())
	log.Fatal(http.ListenAndServe(*listen, nil))
}
