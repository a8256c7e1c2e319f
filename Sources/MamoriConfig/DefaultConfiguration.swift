/// The embedded default configuration: byte for byte `dist/config.yaml` (a test compares
/// them). It is the first layer of every load, so the agent runs with no file at all, and it
/// is what `make install` copies to /etc/mamori/config.yaml. Immutable; any thread.
public enum DefaultConfiguration {
    public static let yaml = """
# Mamori agent configuration: /etc/mamori/config.yaml
#
# Every key is listed with its default; delete what you do not change. Files in
# /etc/mamori/config.d/*.yaml are applied after this one in lexical order (maps are merged
# key by key, values and lists are replaced), then `mamori agent -o key.path=value`.
# Check a change before reloading:  mamori config check   (then: systemctl reload mamori)
# Reference: docs/configuration.md

sensor:
  file_events: true              # file create/write/rename/unlink/chmod/chown events
  network_events: true           # connect/accept/listen and UDP sends
  report_failed_file_ops: false  # also report failed rename/unlink/chmod/chown/truncate
  priority_ring_size: 2MiB       # process + network ring buffer (power of two)
  bulk_ring_size: 2MiB           # file event ring buffer (power of two)
  queue_capacity: 16384          # events between ring reader and worker (power of two)
  uid_event_rate: 4000           # events/s per non-root uid before it is queued last and named (mamori.flood)
  uid_kernel_file_rate: 20000    # file records/s per non-root uid before the kernel only counts them (0 = off)
  watch_files:                   # read-only opens of these files are reported
    - /etc/shadow
    - /etc/gshadow
    - /etc/sudoers
    - /etc/security/opasswd
    # credential stores (cloud, kube, docker, git, database); globs expand at start
    - /root/.aws/credentials
    - /home/*/.aws/credentials
    - /root/.config/gcloud/credentials.db
    - /home/*/.config/gcloud/credentials.db
    - /root/.config/gcloud/application_default_credentials.json
    - /home/*/.config/gcloud/application_default_credentials.json
    - /root/.azure/accessTokens.json
    - /home/*/.azure/accessTokens.json
    - /root/.azure/msal_token_cache.json
    - /home/*/.azure/msal_token_cache.json
    - /root/.kube/config
    - /home/*/.kube/config
    - /root/.docker/config.json
    - /home/*/.docker/config.json
    - /root/.git-credentials
    - /home/*/.git-credentials
    - /root/.pgpass
    - /home/*/.pgpass
    - /root/.my.cnf
    - /home/*/.my.cnf
    - /root/.netrc
    - /home/*/.netrc
    - /root/.vault-token
    - /home/*/.vault-token
    - /etc/kubernetes/admin.conf
  watch_directories:             # read-only opens of their direct children are reported
    - /etc/ssh
    - /root/.ssh
    - /etc/sudoers.d

rules:
  directory: /etc/mamori/rules   # *.yml Sigma-compatible rules (docs/rules.md)

alerts:
  path: /var/log/mamori/alerts.json  # ECS JSON lines, one alert per line
  rotate_bytes: 100MiB           # rotate when larger; 0 never rotates
  keep: 5                        # rotated files kept (alerts.json.1 ... .5)

output:
  format: ecs                    # ecs | ocsf (OCSF 1.4) for the alert log, events_json, syslog, OTLP

store:
  enabled: true                  # SQLite history for mamori events/alerts/incidents/story
  path: /var/lib/mamori/mamori.db
  store_events: true             # every event, not only those behind alerts
  retention:
    event_age: 30d               # delete events older than this; 0 keeps them
    max_size: 2GiB               # delete oldest events while larger; 0 no limit
    alert_age: 365d              # delete alerts older than this; 0 keeps them

control:
  socket: /run/mamori/control.sock  # root may change anything
  read_group: mamori             # members of this group may use read-only commands (must not be empty)

exports:
  syslog:                        # RFC 5424
    enabled: false
    address: 127.0.0.1           # IP address or host name of the collector
    port: 514
    transport: udp               # udp | tcp
    facility: local0             # kern, user, daemon, auth, authpriv, local0 ... local7, ...
    app_name: mamori
  otlp:                          # OpenTelemetry logs over OTLP/HTTP
    enabled: false
    endpoint: http://127.0.0.1:4318/v1/logs
    headers: {}                  # e.g. {Authorization: "Bearer ..."}
    timeout: 10s
  prometheus:                    # metrics endpoint
    enabled: false
    listen: 127.0.0.1:9464       # host:port; keep it on loopback unless a firewall guards it
  events_json:                   # every event as ECS JSON lines (high volume)
    enabled: false
    path: /var/log/mamori/events.json
    rotate_bytes: 256MiB
    keep: 3

agent:
  log_level: info                # trace, debug, info, notice, warning, error, critical
  watchdog: true                 # answer systemd's WatchdogSec= with WATCHDOG=1
  fail_mode: open                # open | closed: kernel enforcement when the agent dies

baseline:                        # behavioural baselines per unit (docs/baseline.md)
  enabled: true                  # learn what each unit does; alert on the new once stable
  quiet_period: 7d               # no new behaviour for this long: learning -> stable
  units: all                     # all, or a list of units (globs * and ?)
  ignore: []                     # path prefixes and IPs/CIDRs never learned

detection:
  local_networks:                # DestinationIsLocal: networks that count as local (a lab adds 10.0.0.0/8)
    - 127.0.0.0/8
    - ::1/128
    - 169.254.0.0/16
    - fe80::/10

# Prevention levels, responses, egress and file protection: see docs/prevention.md.
prevention: {}

"""
}
