#include "DatasetSources.h"

#include "AtomicFile.h"
#include "Errors.h"

#include <QFile>

#include <algorithm>

namespace aestudio {

const QList<DatasetSource> &DatasetSources::all()
{
    // Copied from torchvision (pytorch/vision, torchvision/datasets/mnist.py): the same mirrors in the same order,
    // and the MD5 of each .gz as those mirrors serve it.
    static const QList<DatasetSource> sources{
        {QStringLiteral("mnist"),
         QStringLiteral("MNIST"),
         {QStringLiteral("http://yann.lecun.com/exdb/mnist/"),
          QStringLiteral("https://ossci-datasets.s3.amazonaws.com/mnist/")},
         {{QStringLiteral("train-images-idx3-ubyte.gz"), "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
          {QStringLiteral("train-labels-idx1-ubyte.gz"), "d53e105ee54ea40749a09fcbcd1e9432"},
          {QStringLiteral("t10k-images-idx3-ubyte.gz"), "9fb629c4189551a2d022fa330f9573f3"},
          {QStringLiteral("t10k-labels-idx1-ubyte.gz"), "ec29112dd5afa0611ce80d1b7f02629c"}},
         {QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4"),
          QStringLiteral("5"), QStringLiteral("6"), QStringLiteral("7"), QStringLiteral("8"), QStringLiteral("9")}},
        {QStringLiteral("fashion-mnist"),
         QStringLiteral("Fashion-MNIST"),
         {QStringLiteral("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")},
         {{QStringLiteral("train-images-idx3-ubyte.gz"), "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
          {QStringLiteral("train-labels-idx1-ubyte.gz"), "25c81989df183df01b3e8a0aad5dffbe"},
          {QStringLiteral("t10k-images-idx3-ubyte.gz"), "bef4ecab320f06d8554ea6380940ec79"},
          {QStringLiteral("t10k-labels-idx1-ubyte.gz"), "bb300cfdad3c16e7a12a480ee83cd310"}},
         {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"), QStringLiteral("Pullover"), QStringLiteral("Dress"),
          QStringLiteral("Coat"), QStringLiteral("Sandal"), QStringLiteral("Shirt"), QStringLiteral("Sneaker"),
          QStringLiteral("Bag"), QStringLiteral("Ankle boot")}},
        {QStringLiteral("kmnist"),
         QStringLiteral("Kuzushiji-MNIST"),
         {QStringLiteral("http://codh.rois.ac.jp/kmnist/dataset/kmnist/")},
         {{QStringLiteral("train-images-idx3-ubyte.gz"), "bdb82020997e1d708af4cf47b453dcf7"},
          {QStringLiteral("train-labels-idx1-ubyte.gz"), "e144d726b3acfaa3e44228e80efcd344"},
          {QStringLiteral("t10k-images-idx3-ubyte.gz"), "5c965bf0a639b31b8f53240b1b52f4d7"},
          {QStringLiteral("t10k-labels-idx1-ubyte.gz"), "7320c461ea6c1c855c0b718fb2a4b134"}},
         {QStringLiteral("o"), QStringLiteral("ki"), QStringLiteral("su"), QStringLiteral("tsu"), QStringLiteral("na"),
          QStringLiteral("ha"), QStringLiteral("ma"), QStringLiteral("ya"), QStringLiteral("re"),
          QStringLiteral("wo")}},
    };
    return sources;
}

const DatasetSource *DatasetSources::find(const QString &name)
{
    for (const DatasetSource &s : all())
        if (s.name == name)
            return &s;
    return nullptr;
}

QString DatasetSources::titleOf(const QString &name)
{
    const DatasetSource *source = find(name);
    return source ? source->title : name;
}

QStringList DatasetSources::standardFileNames()
{
    return {QStringLiteral("train-images-idx3-ubyte.gz"), QStringLiteral("train-labels-idx1-ubyte.gz"),
            QStringLiteral("t10k-images-idx3-ubyte.gz"), QStringLiteral("t10k-labels-idx1-ubyte.gz")};
}

QMap<QString, QByteArray> DatasetSources::parseMd5Sums(const QByteArray &text, const QString &origin)
{
    QMap<QString, QByteArray> sums;
    const QList<QByteArray> lines = text.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const int space = line.indexOf(' ');
        QByteArray sum = space > 0 ? line.left(space).toLower() : QByteArray();
        QByteArray file = space > 0 ? line.mid(space).trimmed() : QByteArray();
        if (file.startsWith('*'))
            file.remove(0, 1);
        const bool hex = sum.size() == 32 && std::all_of(sum.begin(), sum.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                         });
        if (!hex || file.isEmpty() || file.contains('/'))
            throw ConfigError(QStringLiteral("%1 line %2: expected \"<md5>  <file name>\", got \"%3\"")
                                  .arg(origin)
                                  .arg(i + 1)
                                  .arg(QString::fromUtf8(line.left(80))));
        sums.insert(QString::fromUtf8(file), sum);
    }
    if (sums.isEmpty())
        throw ConfigError(QStringLiteral("%1: no checksums in it").arg(origin));
    return sums;
}

QMap<QString, QByteArray> DatasetSources::readMd5SumsFile(const QString &path)
{
    const QString why = unreadableFileReason(path);
    if (!why.isEmpty())
        throw ConfigError(QStringLiteral("%1: %2").arg(path, why));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ConfigError(QStringLiteral("%1: %2").arg(path, file.errorString()));
    constexpr qint64 kLimit = 1 << 20; // an md5sum file of four lines; anything near this is not one
    if (file.size() > kLimit)
        throw ConfigError(QStringLiteral("%1: %2 bytes is too large for a checksum list").arg(path).arg(file.size()));
    return parseMd5Sums(file.readAll(), path);
}

} // namespace aestudio
