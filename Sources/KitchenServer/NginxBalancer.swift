#if canImport(Glibc)
import Glibc
#endif

/// The nginx that Kitchen configures and starts in front of several instances: its whole
/// configuration in a temporary folder (pid file, logs, temp paths: nothing of the system's
/// nginx is touched and no root is needed), round-robin over the instances, listening on a
/// loopback port only.
public enum NginxBalancer {
    /// Where Debian and other systems put the nginx binary.
    static let candidates = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx", "/usr/local/nginx/sbin/nginx"]

    /// What to tell a learner whose machine has no nginx.
    public static let installAdvice = "nginx is not installed; install it with: sudo apt-get install nginx-light (or scripts/install-deps test)"

    /// The nginx binary, or nil when none is installed.
    public static func binary() -> String? {
        candidates.first { access($0, X_OK) == 0 }
    }

    /// The configuration: one upstream of the instances' ports, one server on `port`.
    /// `$http_host` passes the client's Host on, which the instances accept (it names the
    /// balancer's port); keep-alive connections to the instances avoid a new connection per request.
    public static func configuration(folder: String, port: Int, instancePorts: [Int]) -> String {
        """
        # Written by Kitchen for `kitchen serve --instances`; removed when it stops.
        worker_processes 1;
        daemon off;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log warn;
        events { worker_connections 1024; }
        http {
            access_log off;
            client_body_temp_path \(folder)/client_body;
            proxy_temp_path \(folder)/proxy;
            fastcgi_temp_path \(folder)/fastcgi;
            uwsgi_temp_path \(folder)/uwsgi;
            scgi_temp_path \(folder)/scgi;
            client_max_body_size 2m;
            upstream kitchen_instances {
        \(instancePorts.map { "        server 127.0.0.1:\($0) max_fails=0;" }.joined(separator: "\n"))
                keepalive 32;
            }
            server {
                listen 127.0.0.1:\(port);
                location / {
                    proxy_pass http://kitchen_instances;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $remote_addr;
                    proxy_next_upstream off;
                    proxy_buffering off;
                }
            }
        }

        """
    }
}
