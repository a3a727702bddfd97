// SPDX-License-Identifier: MIT
// bench_listener: the webhook listener under abuse. While many connections stay open doing
// nothing useful (half idle, half trickling a request one byte a second, each reconnecting
// as soon as it is closed), clients send valid authenticated Alertmanager alerts, each on a
// new connection, and the answers are timed. The same valid traffic runs first with no
// abuse, as the baseline. Aim: with 500 abusive connections, at least 99% of the valid
// alerts answered 200 and p99 under 100 ms.
//
//   bench_listener [--abusers N] [--alerts M] [--senders K]
//
// The listener runs as `sitrep serve` does (default limits) on this process's main thread;
// abusers and senders are plain sockets on threads of their own. RLIMIT_NOFILE is raised
// to its hard limit for the run.

#include "benchutil.h"

#include "fixtures/ingestserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMutex>
#include <QThread>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace sitrep;

namespace {

const QByteArray Token = "bench-listener-token";

int connectTo(quint16 port, bool nonBlocking)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0)
        return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    return fd;
}

QByteArray alertRequest(int i)
{
    const QByteArray body =
        R"({"version":"4","status":"firing","groupKey":"bench","alerts":[{"status":"firing",)"
        R"("labels":{"alertname":"ListenerBench","service":"svc-)" +
        QByteArray::number(i % 20) + R"(","instance":"host-)" + QByteArray::number(i) +
        R"(:9100","severity":"critical"},"annotations":{"summary":"bench"},)"
        R"("startsAt":"2026-01-01T00:00:00Z"}]})";
    return "POST /hooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
           Token + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

/// Keeps `count` abusive connections open until stopped: even ones idle, odd ones sending
/// a request one byte a second; any closed connection is opened again at once.
class Abusers {
public:
    Abusers(quint16 port, int count) : m_port(port), m_count(count) {}
    void run()
    {
        const QByteArray slow = alertRequest(0);
        struct Conn {
            int fd = -1;
            qsizetype sent = 0;
        };
        std::vector<Conn> conns(static_cast<size_t>(m_count));
        QElapsedTimer clock;
        clock.start();
        qint64 lastDrip = 0;
        while (!m_stop.load()) {
            for (auto &c : conns)
                if (c.fd < 0) {
                    c.fd = connectTo(m_port, true);
                    c.sent = 0;
                    if (c.fd >= 0)
                        m_opened.fetch_add(1);
                }
            std::vector<pollfd> fds;
            fds.reserve(conns.size());
            for (const auto &c : conns)
                fds.push_back({c.fd, POLLIN, 0});
            ::poll(fds.data(), nfds_t(fds.size()), 100);
            char buf[4096];
            for (size_t i = 0; i < conns.size(); ++i) {
                if (conns[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                const ssize_t n = ::read(conns[i].fd, buf, sizeof buf);
                if (n <= 0 || fds[i].revents & (POLLHUP | POLLERR)) {
                    ::close(conns[i].fd);
                    conns[i].fd = -1;
                    m_closedByServer.fetch_add(1);
                }
            }
            if (clock.elapsed() - lastDrip >= 1000) {
                lastDrip = clock.elapsed();
                for (size_t i = 1; i < conns.size(); i += 2)
                    if (conns[i].fd >= 0 && conns[i].sent < slow.size() - 1 &&
                        ::send(conns[i].fd, slow.constData() + conns[i].sent, 1, MSG_NOSIGNAL) == 1)
                        ++conns[i].sent;
            }
        }
        for (auto &c : conns)
            if (c.fd >= 0)
                ::close(c.fd);
    }
    void stop() { m_stop.store(true); }
    int opened() const { return m_opened.load(); }
    int closedByServer() const { return m_closedByServer.load(); }

private:
    quint16 m_port;
    int m_count;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_opened{0};
    std::atomic<int> m_closedByServer{0};
};

/// One valid alert on a new connection: its status (0: no answer within 5 s, or reset)
/// and the time from connect to the complete answer.
std::pair<int, double> sendOne(quint16 port, int i)
{
    QElapsedTimer t;
    t.start();
    const int fd = connectTo(port, false);
    if (fd < 0)
        return {0, double(t.nsecsElapsed()) / 1e6};
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const QByteArray req = alertRequest(i);
    int status = 0;
    if (::send(fd, req.constData(), size_t(req.size()), MSG_NOSIGNAL) == ssize_t(req.size())) {
        QByteArray got;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            got.append(buf, n);
            const qsizetype end = got.indexOf("\r\n\r\n");
            if (end >= 0) {
                const qsizetype cl = got.indexOf("Content-Length: ");
                const int len = cl >= 0 ? got.mid(cl + 16, 12).split('\r').first().toInt() : 0;
                if (got.size() >= end + 4 + len)
                    break;
            }
        }
        if (got.startsWith("HTTP/1.1 "))
            status = got.mid(9, 3).toInt();
    }
    ::close(fd);
    return {status, double(t.nsecsElapsed()) / 1e6};
}

struct Outcome {
    int sent = 0;
    int ok = 0;
    QMap<int, int> statuses;
    QList<double> ms;
    double seconds = 0;
    double percentile(double p) const
    {
        if (ms.isEmpty())
            return 0;
        QList<double> v = ms;
        std::sort(v.begin(), v.end());
        return v[qMin(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5))];
    }
};

/// `alerts` valid alerts from `senders` threads while the main thread runs the listener.
Outcome sendValid(quint16 port, int alerts, int senders, int firstIndex)
{
    Outcome out;
    std::atomic<int> next{0};
    QMutex lock;
    QList<QThread *> threads;
    QElapsedTimer wall;
    wall.start();
    for (int s = 0; s < senders; ++s) {
        threads << QThread::create([&] {
            for (int i = next.fetch_add(1); i < alerts; i = next.fetch_add(1)) {
                const auto [status, ms] = sendOne(port, firstIndex + i);
                QMutexLocker l(&lock);
                ++out.sent;
                out.statuses[status] += 1;
                if (status == 200)
                    ++out.ok;
                out.ms << ms;
            }
        });
        threads.last()->start();
    }
    // The listener lives on this thread: keep its event loop turning until the senders end.
    while (
        std::any_of(threads.cbegin(), threads.cend(), [](QThread *t) { return !t->isFinished(); }))
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    out.seconds = double(wall.nsecsElapsed()) / 1e9;
    return out;
}

QStringList row(const QString &what, int abusers, const Outcome &o)
{
    QStringList codes;
    for (auto it = o.statuses.cbegin(); it != o.statuses.cend(); ++it)
        codes << QStringLiteral("%1×%2")
                     .arg(it.key() == 0 ? QStringLiteral("none") : QString::number(it.key()))
                     .arg(it.value());
    return {what,
            QString::number(abusers),
            QString::number(o.sent),
            QStringLiteral("%1%").arg(o.sent ? 100.0 * o.ok / o.sent : 0, 0, 'f', 2),
            bench::num(o.percentile(0.50), 1),
            bench::num(o.percentile(0.99), 1),
            bench::num(o.percentile(1.0), 1),
            codes.join(u' ')};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bench::CommandLine args(
        app, {{"abusers", "Idle or slow connections held open.", "N", "500", 0},
              {"alerts", "Valid alerts sent in each run.", "M", "2000", 1},
              {"senders", "Threads sending valid alerts.", "K", "8", 1}});
    const int abusers = args.value("abusers").toInt();
    const int alerts = args.value("alerts").toInt();
    const int senders = args.value("senders").toInt();
    rlimit nofile{};
    if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        nofile.rlim_cur = nofile.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &nofile);
    }
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    printf("bench_listener: %d valid alerts from %d senders, each on a new connection; %d "
           "abusive connections (half idle, half one byte a second); open files limit %llu\n",
           alerts, senders, abusers, static_cast<unsigned long long>(nofile.rlim_cur));

    testing::IngestServerFixture fx;
    if (!fx.start({}, Token, false)) {
        fprintf(stderr, "bench_listener: the listener did not start\n");
        return 1;
    }
    const quint16 port = fx.server->port();

    const Outcome calm = sendValid(port, alerts, senders, 0);

    Abusers abuse(port, abusers);
    QThread *abuseThread = QThread::create([&abuse] { abuse.run(); });
    abuseThread->start();
    // Let every abusive connection open (and the listener fill up) before the valid traffic.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 3000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    const Outcome stormy = sendValid(port, alerts, senders, alerts);
    abuse.stop();
    while (!abuseThread->isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    abuseThread->wait();
    delete abuseThread;

    bench::Table t({QStringLiteral("run"), QStringLiteral("abusive conns"),
                    QStringLiteral("valid alerts"), QStringLiteral("answered 200"),
                    QStringLiteral("p50 ms"), QStringLiteral("p99 ms"), QStringLiteral("max ms"),
                    QStringLiteral("answers")});
    t.add(row(QStringLiteral("baseline, no abuse"), 0, calm));
    t.add(row(QStringLiteral("under abuse"), abusers, stormy));
    t.print();
    printf("abusive connections opened %d times, closed by the listener %d times\n", abuse.opened(),
           abuse.closedByServer());
    const double answered = stormy.sent ? double(stormy.ok) / stormy.sent : 0;
    const bool met = answered >= 0.99 && stormy.percentile(0.99) < 100.0;
    printf("aim (>= 99%% answered, p99 < 100 ms under abuse): %s\n", met ? "met" : "NOT met");
    return 0;
}
