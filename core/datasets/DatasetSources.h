// The datasets the studio can fetch by name: the mirrors and MD5 sums that torchvision's MNIST, FashionMNIST and
// KMNIST classes list (pytorch/vision torchvision/datasets/mnist.py), and the class names each one uses.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace aestudio {

struct RemoteFile {
    QString name;   // e.g. "train-images-idx3-ubyte.gz"
    QByteArray md5; // lower-case hex
};

struct DatasetSource {
    QString name;        // "mnist", "fashion-mnist", "kmnist"
    QString title;       // "MNIST"
    QStringList mirrors; // base URLs ending in '/', tried in order
    QList<RemoteFile> files;
    QStringList classes;
};

namespace DatasetSources {

const QList<DatasetSource> &all();
// nullptr when `name` is not one of all().
const DatasetSource *find(const QString &name);
// What the studio calls a dataset: a known one's title ("Fashion-MNIST"), else its name.
QString titleOf(const QString &name);
// The four file names every IDX dataset is stored under, gzip-compressed.
QStringList standardFileNames();

// Reads `md5sum` output: lines "<32 hex digits>  <file name>" (a '*' before the name, for binary mode, is allowed;
// blank lines and lines starting with '#' are skipped). Throws ConfigError naming the line that does not parse.
QMap<QString, QByteArray> parseMd5Sums(const QByteArray &text, const QString &origin);
QMap<QString, QByteArray> readMd5SumsFile(const QString &path);

} // namespace DatasetSources
} // namespace aestudio
