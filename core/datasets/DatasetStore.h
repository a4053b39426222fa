// Where the datasets that the studio downloads or imports live: $AESTUDIO_DATA_DIR/<name> when that is set, else
// ~/.local/share/aestudio/datasets/<name> (the folders the lookup searches). Each folder holds the four IDX files and a
// dataset.json saying where they came from and which checksums were verified, or, for a folder registered in place,
// only a dataset.json pointing at it.
#pragma once

#include <QByteArray>
#include <QImage>
#include <QMap>
#include <QString>
#include <QStringList>

namespace aestudio {

struct DatasetManifest {
    QString kind;                  // "downloaded", "imported" or "linked"
    QString folder;                // linked only: the folder that holds the IDX files
    QString source;                // the mirror or the images folder it came from
    QMap<QString, QByteArray> md5; // file name -> the sum it was verified against when stored
    QString created;               // ISO date-time

    static DatasetManifest read(const QString &storeFolder); // kind is empty when there is none or it is unreadable
    void write(const QString &storeFolder) const;            // atomically
};

// What the dataset manager shows about one dataset.
struct DatasetSummary {
    QString name;
    QString title;
    QString directory;   // where the IDX files are; empty when not found
    QString storeFolder; // its folder in the store, when it has one
    QString kind;        // "downloaded", "imported", "linked", "system package", "found" or "missing"
    int trainCount = 0;
    int testCount = 0;
    QStringList classes;
    QString problem;   // why the files cannot be read, when found but broken
    QString checksums; // what is on record: "MD5 verified when downloaded on ...", "no outside checksum", ...
    bool removable() const { return !storeFolder.isEmpty(); }
};

struct VerifyReport {
    bool ok = false;
    QStringList lines; // one per file: "train-images-idx3-ubyte.gz: md5 ... ok" or what is wrong
};

namespace DatasetStore {

QString root();      // where new datasets are written
QStringList roots(); // where stored datasets are looked up, in order
QString folderFor(const QString &name);
// Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters: the name is
// a folder name and a --dataset value, so it must be neither a path nor an option.
bool isValidName(const QString &name);
// The datasets found in the store folders, sorted, each once.
QStringList storedNames();
// The store folder of `name` (the first root that has one), or empty.
QString storeFolderOf(const QString &name);
// The folder holding the IDX files for a store folder: itself, or the folder a linked dataset points at.
QString dataFolderOf(const QString &storeFolder);

DatasetSummary summarize(const QString &name);
// A 10x10 mosaic of the first 100 training images (280x280, grayscale); null when the dataset cannot be read.
QImage mosaic(const QString &directory, int side = 10);
// Checks each file against the sums it was stored with (dataset.json), or the built-in ones of a known dataset.
VerifyReport verify(const QString &name);
// Deletes a downloaded or imported dataset's folder; for a linked one only its registration, never the linked files.
void remove(const QString &name);
// Hex MD5 of a file's bytes.
QByteArray md5Of(const QString &path);

} // namespace DatasetStore
} // namespace aestudio
