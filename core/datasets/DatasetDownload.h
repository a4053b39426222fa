// Downloads a known dataset's four IDX files into the store over HTTP(S), trying each mirror in order. Every file is
// checked (gzip, complete, MD5) in memory before it is written, through a temp file and a rename, to its final path,
// so a cancelled or failed download never leaves a partial file behind. Lives in aestudio_download, the only
// library that links QtNetwork; needs a running event loop on the calling thread (run() brings its own).
#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace aestudio {

struct DownloadOptions {
    QString name;                  // a DatasetSources name
    QStringList mirrors;           // base URLs; empty = the built-in list
    QMap<QString, QByteArray> md5; // file name -> md5; empty = the built-in sums
    QString dataRoot;              // store into dataRoot/<name>; empty = DatasetStore::root()
    int connectTimeoutMs = 15'000; // no response at all
    int stallTimeoutMs = 20'000;   // no byte for this long once the transfer started
    int rateWindowMs = 30'000;     // and, over each window this long,
    int minBytesPerSecond = 1000;  // fewer bytes per second than this: the mirror is given up on
};

struct DownloadProgress {
    QString file;
    int fileIndex = 0; // 0-based
    int fileCount = 0;
    QString mirror;
    qint64 fileBytes = 0;
    qint64 fileTotal = -1; // -1 while unknown
    double bytesPerSecond = 0;
    double etaSeconds = -1; // for the current file; -1 while unknown
    QString text() const;   // "train-images-idx3-ubyte.gz (1/4): 4.2 of 9.9 MB, 2.1 MB/s, ETA 3 s"
};

struct DownloadResult {
    bool ok = false;
    bool cancelled = false;
    QString directory; // where the files are
    QString error;     // one line: each failed mirror with its reason, and where to put the files by hand
};

class DatasetDownload {
public:
    explicit DatasetDownload(DownloadOptions options);
    ~DatasetDownload();
    DatasetDownload(const DatasetDownload &) = delete;
    DatasetDownload &operator=(const DatasetDownload &) = delete;

    std::function<void(const DownloadProgress &)> onProgress; // at most ~10 times a second
    std::function<void(const QString &)> onMessage;           // "fetching URL", "URL: reason, trying the next mirror"
    std::function<void(const DownloadResult &)> onFinished;   // once

    void start();  // returns at once; the work runs in this thread's event loop
    void cancel(); // aborts the transfer; onFinished reports cancelled, and nothing partial is left
    bool isRunning() const;

    // Starts, runs a local event loop until finished, and returns the result; `stopRequested` is polled every
    // 100 ms and cancels when it returns true (the CLI's Ctrl+C).
    DownloadResult run(const std::function<bool()> &stopRequested = {});

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace aestudio
