// The run report (aestudio-cli report): a PDF of one or two pages whose text is real text (pdftotext finds the
// dataset, the architecture, the best epoch and a file's SHA-256), on A4 or Letter; the same as one self-contained
// HTML page; a sweep's Table 1.1 pivot beside the seed's numbers; a run whose dataset is gone still reports; bad
// input is refused with one line. Plus the plot's tick rule.
#include "CliProcess.h"
#include "LinePlot.h"
#include "RunFiles.h"
#include "TinyIdx.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace aestudio;
using namespace aestudio::testing;

class TestReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ticksAreRoundAndCoverTheRange();
    void pdfHasOneOrTwoPagesWithTheRunsNumbers();
    void letterPagesOnRequest();
    void htmlIsOneSelfContainedPage();
    void sweepShowsThePivotBesideTheSeed();
    void runWithoutItsDatasetStillReports();
    void badInputIsRefused();

private:
    CliResult cli(const QStringList &args) { return runCli(QStringLiteral(AESTUDIO_CLI_PATH), args, 180000); }
    QString file(const QString &name) const { return m_dir.filePath(name); }
    // pdfinfo / pdftotext output, or a skip when poppler-utils is missing.
    bool poppler() const { return !QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty(); }
    static QString run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(program, args);
        p.waitForFinished(60000);
        return QString::fromUtf8(p.readAllStandardOutput());
    }
    int bestEpoch() const;
    QTemporaryDir m_dir;
    QString m_data, m_run, m_sweep;
};

void TestReport::initTestCase()
{
    m_data = file(QStringLiteral("data"));
    writeDataset(m_data, 480, 60, true);
    m_run = file(QStringLiteral("run"));
    const CliResult train
        = cli({QStringLiteral("train"), QStringLiteral("--dataset"), m_data, QStringLiteral("--depth"),
               QStringLiteral("3"), QStringLiteral("--latent"), QStringLiteral("8"), QStringLiteral("--noise"),
               QStringLiteral("0.3"), QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--threads"),
               QStringLiteral("2"), QStringLiteral("--out"), m_run});
    QVERIFY2(train.code == 0, qPrintable(train.err));
    m_sweep = file(QStringLiteral("sweep"));
    const CliResult sweep
        = cli({QStringLiteral("sweep"), QStringLiteral("--dataset"), m_data, QStringLiteral("--depths"),
               QStringLiteral("3"), QStringLiteral("--latents"), QStringLiteral("15,30"), QStringLiteral("--dropouts"),
               QStringLiteral("0"), QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--threads"),
               QStringLiteral("2"), QStringLiteral("--out"), m_sweep});
    QVERIFY2(sweep.code == 0, qPrintable(sweep.err));
}

int TestReport::bestEpoch() const
{
    QFile f(QDir(m_run).filePath(QStringLiteral("metrics.csv")));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QVector<EpochMetrics> history = RunFiles::parseMetricsCsv(f.readAll());
    const auto best = std::min_element(history.begin(), history.end(),
                                       [](const auto &a, const auto &b) { return a.valLoss < b.valLoss; });
    return best == history.end() ? -1 : best->epoch;
}

void TestReport::ticksAreRoundAndCoverTheRange()
{
    const QVector<double> t = niceTicks(0.0213, 0.0457, 5);
    QVERIFY(t.size() >= 3 && t.size() <= 8);
    QVERIFY(t.first() <= 0.0213 && t.last() >= 0.0457);
    const double step = t[1] - t[0];
    QVERIFY2(qFuzzyCompare(step, 0.005) || qFuzzyCompare(step, 0.01), qPrintable(QString::number(step)));
    const QVector<double> epochs = niceTicks(1, 3, 6, true);
    QCOMPARE(epochs, QVector<double>({1, 2, 3}));
    QVERIFY(niceTicks(5, 5, 4).size() >= 2); // a flat series still gets an axis
}

void TestReport::pdfHasOneOrTwoPagesWithTheRunsNumbers()
{
    const QString pdf = file(QStringLiteral("report.pdf"));
    const CliResult r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--out"), pdf});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(5) == "%PDF-");
    if (!poppler())
        QSKIP("pdfinfo/pdftotext (Debian poppler-utils) not installed: page count and text not checked; "
              "./run tests installs them");
    const QString info = run(QStringLiteral("pdfinfo"), {pdf});
    const QRegularExpressionMatch pages = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(info);
    QVERIFY2(pages.hasMatch(), qPrintable(info));
    QVERIFY2(pages.captured(1).toInt() >= 1 && pages.captured(1).toInt() <= 2, qPrintable(info));
    QVERIFY2(info.contains(QStringLiteral("595 x 842")), qPrintable(info)); // A4
    const QString text = run(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    QFile images(QDir(m_data).filePath(QStringLiteral("train-images-idx3-ubyte.gz")));
    QVERIFY(images.open(QIODevice::ReadOnly));
    const QString sha
        = QString::fromLatin1(QCryptographicHash::hash(images.readAll(), QCryptographicHash::Sha256).toHex());
    const int best = bestEpoch();
    QVERIFY(best >= 1);
    for (const QString &expected :
         {QStringLiteral("Autoencoder report: run"), QStringLiteral("784-256-128-8"), QStringLiteral("gaussian 0.30"),
          sha, QStringLiteral("Best epoch %1:").arg(best), QStringLiteral("Loss (MSE"),
          QStringLiteral("Validation PSNR"), QStringLiteral("Robustness"), QStringLiteral("reconstructs worst"),
          QStringLiteral("Mean PSNR per class"), QStringLiteral("torch")})
        QVERIFY2(text.contains(expected), qPrintable(QStringLiteral("'%1' not in the PDF's text").arg(expected)));
}

void TestReport::letterPagesOnRequest()
{
    if (!poppler())
        QSKIP("pdfinfo (Debian poppler-utils) not installed; ./run tests installs it");
    const QString pdf = file(QStringLiteral("letter.pdf"));
    const CliResult r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--page"),
                             QStringLiteral("letter"), QStringLiteral("--out"), pdf});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString info = run(QStringLiteral("pdfinfo"), {pdf});
    QVERIFY2(info.contains(QStringLiteral("612 x 792")), qPrintable(info));
    QVERIFY2(QRegularExpression(QStringLiteral("Pages:\\s+[12]\\n")).match(info).hasMatch(), qPrintable(info));
}

void TestReport::htmlIsOneSelfContainedPage()
{
    const QString path = file(QStringLiteral("report.html"));
    const CliResult r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--out"), path});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    QVERIFY(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
    QVERIFY(html.contains(QStringLiteral("784-256-128-8")));
    QVERIFY(html.contains(QStringLiteral("Best epoch %1:").arg(bestEpoch())));
    QVERIFY(!html.contains(QStringLiteral("<script"), Qt::CaseInsensitive));
    // Every image is inline and decodes: loss, PSNR, robustness, two grids (or one), the worst-K strip.
    const QRegularExpression img(QStringLiteral("<img [^>]*src=\"([^\"]*)\""));
    int count = 0;
    for (auto it = img.globalMatch(html); it.hasNext(); ++count) {
        const QString src = it.next().captured(1);
        QVERIFY2(src.startsWith(QStringLiteral("data:image/png;base64,")), qPrintable(src.left(60)));
        const QImage decoded = QImage::fromData(QByteArray::fromBase64(src.mid(22).toLatin1()), "PNG");
        QVERIFY(!decoded.isNull());
    }
    QVERIFY2(count >= 5, qPrintable(QString::number(count)));
}

void TestReport::sweepShowsThePivotBesideTheSeed()
{
    const QString path = file(QStringLiteral("sweep.html"));
    const CliResult r
        = cli({QStringLiteral("report"), QStringLiteral("--run"), m_sweep, QStringLiteral("--out"), path});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    QVERIFY(html.contains(QStringLiteral("Non-Regularized 3 layers")));
    // A synthetic dataset compares with the Fashion-MNIST table: 0.0221 at latent 15, 0.0179 at 30.
    QVERIFY(html.contains(QStringLiteral("(0.0221)")));
    QVERIFY(html.contains(QStringLiteral("(0.0179)")));
    QVERIFY(html.contains(QStringLiteral("lower validation loss than the seed")));
    // The row's best cell is the bold one.
    QFile csv(QDir(m_sweep).filePath(QStringLiteral("results.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList header = QString::fromUtf8(csv.readLine()).trimmed().split(QLatin1Char(','));
    const int latentCol = int(header.indexOf(QStringLiteral("latent"))),
              lossCol = int(header.indexOf(QStringLiteral("best_val_loss")));
    QVERIFY2(latentCol >= 0 && lossCol >= 0, qPrintable(header.join(QLatin1Char(','))));
    QMap<double, int> byLoss;
    while (!csv.atEnd()) {
        const QStringList row = QString::fromUtf8(csv.readLine()).trimmed().split(QLatin1Char(','));
        byLoss.insert(row[lossCol].toDouble(), row[latentCol].toInt());
    }
    QCOMPARE(byLoss.size(), 2);
    const QString bestText = QString::number(byLoss.firstKey(), 'f', 5);
    QVERIFY2(html.contains(QStringLiteral("<b>%1 (").arg(bestText)), qPrintable(bestText));
    if (!poppler())
        QSKIP("pdfinfo (Debian poppler-utils) not installed; ./run tests installs it");
    const QString pdf = file(QStringLiteral("sweep.pdf"));
    QCOMPARE(cli({QStringLiteral("report"), QStringLiteral("--run"), m_sweep, QStringLiteral("--out"), pdf}).code, 0);
    const QString text = run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
    QVERIFY(text.contains(QStringLiteral("Table 1.1")));
    QVERIFY(text.contains(bestText));
}

void TestReport::runWithoutItsDatasetStillReports()
{
    // The run folder moved to a machine without its dataset: settings, charts and the stored grids remain.
    const QString moved = file(QStringLiteral("moved"));
    QVERIFY(QDir().mkpath(moved));
    for (const QString &name : QDir(m_run).entryList(QDir::Files))
        QVERIFY(QFile::copy(QDir(m_run).filePath(name), QDir(moved).filePath(name)));
    QFile config(QDir(moved).filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(config.readAll()).object();
    config.close();
    QJsonObject settings = json.value(QStringLiteral("config")).toObject();
    settings.insert(QStringLiteral("dataset"), file(QStringLiteral("gone")));
    json.insert(QStringLiteral("config"), settings);
    QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
    config.write(QJsonDocument(json).toJson());
    config.close();
    const QString html = file(QStringLiteral("moved.html"));
    const CliResult r = cli({QStringLiteral("report"), QStringLiteral("--run"), moved, QStringLiteral("--out"), html});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("not on this machine")), qPrintable(r.err));
    QFile f(html);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(f.readAll());
    QVERIFY(page.contains(QStringLiteral("Best epoch %1:").arg(bestEpoch()))); // the stored grid of that epoch
    QVERIFY(!page.contains(QStringLiteral("reconstructs worst")));
}

void TestReport::badInputIsRefused()
{
    const QString empty = file(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(empty));
    CliResult r = cli({QStringLiteral("report"), QStringLiteral("--run"), empty});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("neither a run")), qPrintable(r.err));
    QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
    r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--out"),
             file(QStringLiteral("r.txt"))});
    QCOMPARE(r.code, 2);
    QVERIFY(!QFile::exists(file(QStringLiteral("r.txt"))));
    r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--page"), QStringLiteral("a5"),
             QStringLiteral("--out"), file(QStringLiteral("a5.pdf"))});
    QCOMPARE(r.code, 2);
    QVERIFY(!QFile::exists(file(QStringLiteral("a5.pdf"))));
    r = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--worst"), QStringLiteral("0"),
             QStringLiteral("--out"), file(QStringLiteral("w.pdf"))});
    QCOMPARE(r.code, 2);
}

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
