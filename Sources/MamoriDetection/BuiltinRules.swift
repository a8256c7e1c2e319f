/// A small rule set compiled into the binary, in the same YAML format as rule files.
///
/// Exists as a fallback when no rule directory is configured, and as executable examples of
/// every Mamori extension (ancestry, descriptor types, thresholds, sequences). The shipped rule
/// pack is the `rules/` directory. Loaded like any other source:
/// `RuleLoader.load(sources: BuiltinRules.sources + others)`. Immutable; any thread.
public enum BuiltinRules {
    public static let sources: [RuleSource] = texts.map { RuleSource(name: "builtin:\($0.0).yml", text: $0.1, origin: .mamori) }

    static let shells = "[/sh, /bash, /dash, /zsh, /ksh, /ash, /busybox, /fish]"

    static let texts: [(String, String)] = [
        ("reverse-shell-stdio", #"""
        title: Shell with its standard input and output on a socket
        id: mamori-reverse-shell-stdio
        description: A shell whose stdin and stdout are a network socket is an interactive reverse or bind shell.
        level: critical
        tags: [attack.execution, attack.t1059.004, attack.command_and_control]
        logsource: {product: linux, category: process_creation}
        detection:
            shell:
                Image|endswith: \#(shells)
            socket:
                StdinType: socket
                StdoutType: socket
            condition: shell and socket
        mamori: {response: kill, confidence: high}
        """#),
        ("web-server-shell", #"""
        title: Web server spawned a shell
        id: mamori-web-server-shell
        description: A shell descending from a web server or PHP worker, typical of web shells and RCE exploits.
        level: high
        tags: [attack.persistence, attack.t1505.003, attack.initial_access, attack.t1190]
        logsource: {product: linux, category: process_creation}
        detection:
            shell:
                Image|endswith: \#(shells)
            web:
                - AncestorImage|endswith: [/nginx, /apache2, /httpd, /lighttpd, /caddy]
                - AncestorImage|contains: /php-fpm
                - AncestorUnit|startswith: [nginx., apache2., httpd., php-fpm, php7, php8]
            condition: shell and web
        mamori: {response: kill-tree, act_at_level: 2, confidence: medium}
        """#),
        ("drop-chmod-exec", #"""
        title: Downloaded file made executable and run
        id: mamori-drop-chmod-exec
        description: curl or wget writes a file, the same path is made executable, then executed.
        level: high
        tags: [attack.command_and_control, attack.t1105, attack.execution]
        mamori:
            response: kill
            confidence: high
            sequence:
                window: 120s
                by: lineage
                steps:
                    - title: a downloader writes a file
                      category: file_event
                      detection:
                          downloader:
                              Image|endswith: [/curl, /wget, /fetch, /aria2c]
                          condition: downloader
                      capture: {path: TargetFilename}
                    - title: the file is made executable
                      category: file_event
                      detection:
                          chmod:
                              FileOperation: chmod
                              FileExecutable: 'true'
                          condition: chmod
                      match: {TargetFilename: path}
                    - title: the file is executed
                      category: process_creation
                      detection:
                          any:
                              Image|exists: true
                          condition: any
                      match: {Image: path}
        """#),
        ("ldap-fanout", #"""
        title: One process contacts many directory or file servers
        id: mamori-ldap-fanout
        description: LDAP, Kerberos or SMB connections to five or more hosts within a minute (AD enumeration, lateral movement).
        level: high
        tags: [attack.discovery, attack.t1087.002, attack.t1018]
        logsource: {product: linux, category: network_connection}
        detection:
            directory:
                Initiated: 'true'
                DestinationPort: [389, 636, 3268, 3269, 88, 445]
            condition: directory
        mamori:
            confidence: medium
            threshold: {count: 5, window: 60s, by: process, distinct: DestinationIp}
        """#),
        ("port-scan", #"""
        title: One process connects to many ports of remote hosts
        id: mamori-port-scan
        level: medium
        tags: [attack.discovery, attack.t1046]
        logsource: {product: linux, category: network_connection}
        detection:
            outbound:
                Initiated: 'true'
            loopback:
                DestinationIp|cidr: [127.0.0.0/8, '::1/128']
            condition: outbound and not loopback
        mamori:
            threshold: {count: 50, window: 10s, by: process, distinct: DestinationPort}
        """#),
        ("shell-outbound", #"""
        title: Shell connects out to a remote host
        id: mamori-shell-outbound
        description: Shells do not open TCP connections themselves, except through /dev/tcp redirections.
        level: high
        tags: [attack.command_and_control, attack.t1059.004]
        logsource: {product: linux, category: network_connection}
        detection:
            shell:
                Image|endswith: \#(shells)
                Initiated: 'true'
            local:
                DestinationIp|cidr: [127.0.0.0/8, '::1/128']
            condition: shell and not local
        mamori: {response: kill, confidence: high}
        """#),
        ("dev-tcp", #"""
        title: Command line opens a /dev/tcp or /dev/udp socket
        id: mamori-dev-tcp
        level: high
        tags: [attack.execution, attack.t1059.004]
        logsource: {product: linux, category: process_creation}
        detection:
            redirect:
                CommandLine|contains: [/dev/tcp/, /dev/udp/]
            condition: redirect
        mamori: {confidence: high}
        """#),
        ("download-to-shell", #"""
        title: Download piped into a shell
        id: mamori-download-to-shell
        level: high
        tags: [attack.execution, attack.t1059.004, attack.t1105]
        logsource: {product: linux, category: process_creation}
        detection:
            shell_c:
                Image|endswith: \#(shells)
                CommandLine|contains: ['curl ', 'wget ']
            pipe:
                CommandLine|re: '\|\s*(sudo\s+)?(ba|da|z|k)?sh\b'
            condition: shell_c and pipe
        mamori: {confidence: medium}
        """#),
        ("ld-preload-write", #"""
        title: System-wide preload file written
        id: mamori-ld-preload-write
        level: high
        tags: [attack.persistence, attack.defense_evasion, attack.t1574.006]
        logsource: {product: linux, category: file_event}
        detection:
            preload:
                TargetFilename: /etc/ld.so.preload
            condition: preload
        mamori: {confidence: high}
        """#),
        ("ssh-authorized-keys", #"""
        title: SSH authorized_keys modified
        id: mamori-ssh-authorized-keys
        level: medium
        tags: [attack.persistence, attack.t1098.004]
        logsource: {product: linux, category: file_event}
        detection:
            keys:
                TargetFilename|endswith: [/.ssh/authorized_keys, /.ssh/authorized_keys2]
            management:
                Image|endswith: [/sshd, /ssh-copy-id, /cloud-init, /google_guest_agent, /waagent]
            condition: keys and not management
        """#),
        ("cron-write", #"""
        title: Cron table written outside the package manager
        id: mamori-cron-write
        level: medium
        tags: [attack.persistence, attack.t1053.003]
        logsource: {product: linux, category: file_event}
        detection:
            cron:
                - TargetFilename|startswith: [/etc/cron.d/, /etc/cron.hourly/, /etc/cron.daily/, /etc/cron.weekly/, /etc/cron.monthly/, /var/spool/cron/]
                - TargetFilename: /etc/crontab
            package:
                Image|endswith: [/dpkg, /rpm, /apt, /apt-get, /dnf, /yum, /unattended-upgrade]
            condition: cron and not package
        """#),
        ("systemd-unit-write", #"""
        title: Systemd unit written outside the package manager
        id: mamori-systemd-unit-write
        level: medium
        tags: [attack.persistence, attack.t1543.002]
        logsource: {product: linux, category: file_event}
        detection:
            unit:
                TargetFilename|startswith: [/etc/systemd/system/, /usr/lib/systemd/system/, /lib/systemd/system/, /run/systemd/system/]
                TargetFilename|endswith: [.service, .timer, .socket, .path]
            package:
                Image|endswith: [/dpkg, /rpm, /apt, /apt-get, /dnf, /yum, /systemctl, /systemd]
            condition: unit and not package
        """#),
        ("log-wipe", #"""
        title: Burst of log file deletions
        id: mamori-log-wipe
        level: high
        tags: [attack.defense_evasion, attack.t1070.002]
        logsource: {product: linux, category: file_delete}
        detection:
            logs:
                TargetFilename|startswith: /var/log/
            rotation:
                Image|endswith: [/logrotate, /journald, /systemd-journald, /systemd-tmpfiles]
            condition: logs and not rotation
        mamori:
            threshold: {count: 20, window: 10s, by: process}
        """#),
    ]
}
