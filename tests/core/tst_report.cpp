// The run report (aestudio-cli report): a PDF of one or two pages whose text is real text (pdftotext finds the
// dataset, the architecture, the best epoch and a file's SHA-256), on A4 or Letter; the same as one self-contained
// HTML page; a sweep's Table 1.1 pivot beside the seed's numbers; a run whose dataset is gone still reports; bad
// input is refused with one line. Plus the plot's tick rule.
#include "CliProcess.h"
#include "LinePlot.h"
#include "RunFiles.h"
#include "RunReport.h"
#include "SystemInfo.h"
#include "TinyIdx.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
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
    void fashionSweepStandsBesideTheSeedsTable();
    void manyCellsStayWithinTwoPages();
    void strangersTextIsEscapedNotExpanded();
    void plotsSurviveEmptyAndNonFiniteData();
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
               QStringLiteral("1"), QStringLiteral("--out"), m_run});
    QVERIFY2(train.code == 0, qPrintable(train.err));
    m_sweep = file(QStringLiteral("sweep"));
    const CliResult sweep
        = cli({QStringLiteral("sweep"), QStringLiteral("--dataset"), m_data, QStringLiteral("--depths"),
               QStringLiteral("3"), QStringLiteral("--latents"), QStringLiteral("15,30"), QStringLiteral("--dropouts"),
               QStringLiteral("0"), QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--threads"),
               QStringLiteral("2"), QStringLiteral("--out"), m_sweep});
    QVERIFY2(sweep.code == 0, qPrintable(sweep.err));
    // --jobs defaults to auto: the layout is measured on the first run and printed before the runs.
    QVERIFY2(sweep.out.contains(QStringLiteral("runs: ")), qPrintable(sweep.out));
    if (SystemInfo::hardwareThreads() >= 2)
        QVERIFY2(sweep.out.contains(QStringLiteral("measured")), qPrintable(sweep.out));
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
          QStringLiteral("Mean PSNR per class"), QStringLiteral("LibTorch"),
          QStringLiteral("finished after 3 of 3 epochs")}) // "fi" as two letters, not a ligature
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
    // 64 worst images: rows of 16 while the page holds them, the rest named; still two pages.
    const QString worst = file(QStringLiteral("worst64.pdf"));
    const CliResult w = cli({QStringLiteral("report"), QStringLiteral("--run"), m_run, QStringLiteral("--worst"),
                             QStringLiteral("64"), QStringLiteral("--out"), worst});
    QVERIFY2(w.code == 0, qPrintable(w.err));
    const QString worstInfo = run(QStringLiteral("pdfinfo"), {worst});
    QVERIFY2(QRegularExpression(QStringLiteral("Pages:\\s+[12]\\n")).match(worstInfo).hasMatch(),
             qPrintable(worstInfo));
    QVERIFY(run(QStringLiteral("pdftotext"), {worst, QStringLiteral("-")})
                .contains(QStringLiteral("more in the HTML report")));
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
    // The threads the run used (--threads 1), not the machine's count.
    QVERIFY2(html.contains(QStringLiteral("1 thread (asked; the machine has %1)").arg(SystemInfo::hardwareThreads())),
             qPrintable(html.mid(html.indexOf(QStringLiteral("asked:")), 120)));
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
    // The seed report measured MNIST and Fashion-MNIST only: a folder of other images gets no seed numbers.
    QVERIFY(!html.contains(QStringLiteral("(0.0221)")));
    QVERIFY(!html.contains(QStringLiteral("than the seed")));
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
    QVERIFY2(html.contains(QStringLiteral("<b>%1</b>").arg(bestText)), qPrintable(bestText));
    if (!poppler())
        QSKIP("pdfinfo (Debian poppler-utils) not installed; ./run tests installs it");
    const QString pdf = file(QStringLiteral("sweep.pdf"));
    QCOMPARE(cli({QStringLiteral("report"), QStringLiteral("--run"), m_sweep, QStringLiteral("--out"), pdf}).code, 0);
    const QString text = run(QStringLiteral("pdftotext"), {pdf, QStringLiteral("-")});
    QVERIFY(text.contains(QStringLiteral("Table 1.1")));
    QVERIFY(text.contains(bestText));
}

void TestReport::fashionSweepStandsBesideTheSeedsTable()
{
    if (!QFileInfo::exists(QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")))
        QSKIP("Debian's dataset-fashion-mnist is not installed (./run tests installs it)");
    const QString sweep = file(QStringLiteral("fashion-sweep"));
    const CliResult r
        = cli({QStringLiteral("sweep"), QStringLiteral("--dataset"), QStringLiteral("fashion-mnist"),
               QStringLiteral("--limit"), QStringLiteral("600"), QStringLiteral("--depths"), QStringLiteral("3"),
               QStringLiteral("--latents"), QStringLiteral("15,30"), QStringLiteral("--dropouts"), QStringLiteral("0"),
               QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("2"),
               QStringLiteral("--out"), sweep});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString path = file(QStringLiteral("fashion-sweep.html"));
    const CliResult report
        = cli({QStringLiteral("report"), QStringLiteral("--run"), sweep, QStringLiteral("--out"), path});
    QVERIFY2(report.code == 0, qPrintable(report.err));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(f.readAll());
    // Table 1.1 of the seed report, Fashion-MNIST: 0.0221 at latent 15 and 0.0179 at 30 (3 layers, no dropout).
    QVERIFY(html.contains(QStringLiteral("(0.0221)")));
    QVERIFY(html.contains(QStringLiteral("(0.0179)")));
    QVERIFY(html.contains(QStringLiteral("lower validation loss than the seed report's fashion-mnist table")));
}

// A grid of 126 cells: the pivot, the chart and the cell table stop at two pages, and say what they left out.
void TestReport::manyCellsStayWithinTwoPages()
{
    RunReport report;
    report.isSweep = true;
    report.title = QStringLiteral("Sweep report: big");
    for (int depth : {3, 5})
        for (int latent = 4; latent <= 256; latent += 4) {
            SweepResult r;
            r.config.model.hidden = ModelSpec::hiddenForDepth(depth);
            r.config.model.latent = latent;
            r.name = QStringLiteral("d%1-l%2").arg(depth).arg(latent);
            r.bestEpoch = 1;
            r.bestValLoss = 0.02 + latent * 1e-4 + depth * 1e-3;
            report.cells.append(r);
        }
    QCOMPARE(report.cells.size(), 128);
    const QByteArray pdf = report.pdf();
    QVERIFY(pdf.startsWith("%PDF-"));
    const qsizetype pages = QString::fromLatin1(pdf).count(QRegularExpression(QStringLiteral("/Type\\s*/Page[^s]")));
    QVERIFY2(pages >= 1 && pages <= 2, qPrintable(QString::number(pages)));
    if (!poppler())
        QSKIP("pdftotext (Debian poppler-utils) not installed; ./run tests installs it");
    const QString path = file(QStringLiteral("big.pdf"));
    report.write(path);
    const QString text = run(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
    QVERIFY2(text.contains(QStringLiteral("more cells in results.csv")), qPrintable(text.right(300)));
    QVERIFY(text.contains(QStringLiteral("0.02340"))); // the first cell's loss in full, not clipped to "2340"
}

// Names from a stranger's files go into HTML escaped, and a '%2' in them stays text.
void TestReport::strangersTextIsEscapedNotExpanded()
{
    RunReport report;
    report.title = QStringLiteral("Autoencoder report: <script>x</script> %2");
    report.facts.append({QStringLiteral("Dataset"), QStringLiteral("<img src=x onerror=y> %1")});
    report.classes.append({0, QStringLiteral("<b>%2 percent</b>"), 3, 12.5});
    report.robustness.points.append({0.0, 20.0, 19.0, 0.0});
    report.robustness.points.append({0.5, 15.0, 14.0, 9.0});
    const QString html = QString::fromUtf8(report.html());
    QVERIFY(!html.contains(QStringLiteral("<script>x")));
    QVERIFY(html.contains(QStringLiteral("&lt;script&gt;x&lt;/script&gt; %2")));
    QVERIFY(html.contains(QStringLiteral("&lt;img src=x onerror=y&gt; %1")));
    QVERIFY(html.contains(QStringLiteral("<td>&lt;b&gt;%2 percent&lt;/b&gt;</td><td>3</td><td>12.50 dB</td>")));
}

void TestReport::plotsSurviveEmptyAndNonFiniteData()
{
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    for (const QVector<QPointF> &points : QVector<QVector<QPointF>>{
             {}, {{1, 0.5}}, {{1, nan}, {2, inf}, {3, -inf}}, {{1, 1e308}, {2, -1e308}}, {{nan, 1}, {2, 2}}}) {
        LinePlot plot;
        plot.title = QStringLiteral("t");
        plot.series.append({QStringLiteral("s"), points, LinePlot::colour(0)});
        plot.markerX = 1;
        plot.markerLabel = QStringLiteral("m");
        const QImage img = plot.image(QSizeF(200, 120), 1.0);
        QCOMPARE(img.size(), QSize(200, 120));
    }
    QVERIFY(niceTicks(nan, 1, 5).isEmpty());
    QVERIFY(niceTicks(-1e308, 1e308, 5).size() <= 100);
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
    r = cli({QStringLiteral("report"), QStringLiteral("--run"), file(QStringLiteral("missing"))});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(QStringLiteral("no such folder")), qPrintable(r.err));
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

// QTEST_MAIN, not GUILESS: PDFs and plots draw text, and fonts need a QGuiApplication (offscreen in CTest).
QTEST_MAIN(TestReport)
#include "tst_report.moc"
