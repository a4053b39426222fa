// Test fixture: an HTTP/1.1 server on 127.0.0.1 with a port of its own, serving canned routes that misbehave on
// purpose (truncated bodies, HTML in place of a .gz, 403/503, stalls, redirects, a connection dropped once) so the
// downloader can be tested offline. Runs in the test's event loop; one request per connection.
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace aestudio::testing {

struct HttpRoute {
    HttpRoute() = default;
    HttpRoute(int status_, QByteArray body_, QByteArray type = "application/gzip")
        : status(status_), body(std::move(body_)), contentType(std::move(type))
    {
    }
    enum Mode {
        Normal,   // the body, whole
        Truncate, // announce the whole length, send `cut` bytes, close
        Stall,    // announce the whole length, send `cut` bytes, then nothing
        DropOnce, // the first request is cut like Truncate; later ones (with Range) are served
        Redirect, // 301 to `location`
        Drip,     // announce the whole length, then one byte every 100 ms
    };
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/gzip";
    Mode mode = Normal;
    int cut = 0;
    QByteArray location;
    bool ranges = true; // answer "Range: bytes=N-" with 206
};

} // namespace aestudio::testing

Q_DECLARE_METATYPE(aestudio::testing::HttpRoute)

namespace aestudio::testing {

class LoopbackHttpServer {
public:
    LoopbackHttpServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] { onRequest(s); });
        });
    }
    ~LoopbackHttpServer()
    {
        for (const QPointer<QTcpSocket> &s : std::as_const(m_stalled))
            if (s)
                s->abort();
    }
    QString url(const QString &prefix = QString()) const
    {
        return QStringLiteral("http://127.0.0.1:%1/%2").arg(m_server.serverPort()).arg(prefix);
    }
    void route(const QByteArray &path, const HttpRoute &r) { m_routes.insert(path, r); }
    // Every request seen, as "GET /path" plus " Range: bytes=N-" when it asked for one.
    QList<QByteArray> requests;

private:
    void onRequest(QTcpSocket *s)
    {
        QByteArray &pending = m_pending[s];
        pending += s->readAll();
        const int end = pending.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = pending.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        const QByteArray target = first.value(1);
        const QByteArray path = target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        qint64 from = -1;
        for (const QByteArray &line : lines)
            if (line.toLower().startsWith("range: bytes="))
                from = line.trimmed().mid(13).split('-').value(0).toLongLong();
        requests << ("GET " + target + (from >= 0 ? " Range: bytes=" + QByteArray::number(from) + '-' : QByteArray()));
        m_pending.remove(s);
        respond(s, path, from);
    }

    void respond(QTcpSocket *s, const QByteArray &path, qint64 from)
    {
        auto it = m_routes.find(path);
        if (it == m_routes.end())
            return send(s, 404, "text/html", "<html><body>404 Not Found</body></html>", {}, true);
        HttpRoute &r = *it;
        if (r.mode == HttpRoute::Redirect)
            return send(s, 301, "text/html", "moved", "Location: " + r.location + "\r\n", true);
        if (r.status != 200)
            return send(s, r.status, r.contentType, r.body, {}, true);
        const bool firstTime = !m_served.contains(path);
        m_served.insert(path, true);
        if (from > 0 && r.ranges && from < r.body.size()) {
            const QByteArray rest = r.body.mid(from);
            return send(s, 206, r.contentType, rest,
                        "Content-Range: bytes " + QByteArray::number(from) + '-' + QByteArray::number(r.body.size() - 1)
                            + '/' + QByteArray::number(r.body.size()) + "\r\n",
                        true);
        }
        if (r.mode == HttpRoute::Drip) {
            s->write(header(200, r.contentType, r.body.size(), {}));
            auto *timer = new QTimer(s);
            auto sent = std::make_shared<int>(0);
            QObject::connect(timer, &QTimer::timeout, s, [s, body = r.body, sent] {
                if (*sent < body.size())
                    s->write(body.mid((*sent)++, 1));
            });
            timer->start(100);
            m_stalled << s;
            return;
        }
        const bool cut = r.mode == HttpRoute::Truncate || r.mode == HttpRoute::Stall
            || (r.mode == HttpRoute::DropOnce && firstTime);
        if (!cut)
            return send(s, 200, r.contentType, r.body, {}, true);
        // The whole length announced, only `cut` bytes sent.
        s->write(header(200, r.contentType, r.body.size(), {}) + r.body.left(r.cut));
        s->flush();
        if (r.mode == HttpRoute::Stall)
            m_stalled << s;
        else
            closeAfterWrite(s);
    }

    static QByteArray header(int status, const QByteArray &type, qint64 length, const QByteArray &extra)
    {
        return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\nContent-Type: " + type
            + "\r\nContent-Length: " + QByteArray::number(length) + "\r\n" + extra + "Connection: close\r\n\r\n";
    }
    static QByteArray reason(int status)
    {
        switch (status) {
        case 200:
            return "OK";
        case 206:
            return "Partial Content";
        case 301:
            return "Moved Permanently";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 503:
            return "Service Unavailable";
        default:
            return "Status";
        }
    }
    void send(QTcpSocket *s, int status, const QByteArray &type, const QByteArray &body, const QByteArray &extra,
              bool close)
    {
        s->write(header(status, type, body.size(), extra) + body);
        if (close)
            closeAfterWrite(s);
    }
    static void closeAfterWrite(QTcpSocket *s)
    {
        s->disconnectFromHost(); // after the buffered bytes are written
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
    }

    QTcpServer m_server;
    QMap<QByteArray, HttpRoute> m_routes;
    QMap<QByteArray, bool> m_served;
    QMap<QTcpSocket *, QByteArray> m_pending;
    QList<QPointer<QTcpSocket>> m_stalled;
};

} // namespace aestudio::testing
