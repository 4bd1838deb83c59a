#include "datasets/DatasetSplit.h"
#include "datasets/DatasetSummary.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace prunelab::datasets;

namespace {

ImageSet labelled(const QList<int>& perClass)
{
    ImageSet set;
    set.channels = 1;
    set.width = set.height = 1;
    for (int c = 0; c < perClass.size(); ++c) {
        set.classNames.append(QStringLiteral("class%1").arg(c));
        for (int i = 0; i < perClass[c]; ++i) {
            set.labels.push_back(c);
            set.pixels.push_back(uint8_t(set.labels.size()));
            set.files.append(QStringLiteral("%1/%2.png").arg(c).arg(i));
        }
    }
    return set;
}

QList<qsizetype> countsIn(const ImageSet& set, const std::vector<qsizetype>& indices)
{
    QList<qsizetype> counts(set.classNames.size(), 0);
    for (qsizetype i : indices)
        ++counts[qsizetype(set.labels[size_t(i)])];
    return counts;
}

} // namespace

class TestDatasetSplit : public QObject {
    Q_OBJECT

private slots:
    void stratifiedProportions_data()
    {
        QTest::addColumn<double>("validation");
        QTest::addColumn<double>("test");
        QTest::newRow("the MRI threshold sweep: 90/10") << 0.1 << 0.0;
        QTest::newRow("70/15/15") << 0.15 << 0.15;
        QTest::newRow("no validation") << 0.0 << 0.2;
    }

    void stratifiedProportions()
    {
        QFETCH(double, validation);
        QFETCH(double, test);
        const ImageSet set = labelled({280, 202, 300, 280}); // the demo's imbalance
        SplitOptions options;
        options.validation = validation;
        options.test = test;
        options.seed = 7;
        const DatasetSplit split = splitStratified(set, options);
        QCOMPARE(qsizetype(split.train.size() + split.validation.size() + split.test.size()), set.count());
        std::set<qsizetype> all(split.train.begin(), split.train.end());
        all.insert(split.validation.begin(), split.validation.end());
        all.insert(split.test.begin(), split.test.end());
        QCOMPARE(qsizetype(all.size()), set.count()); // disjoint and complete
        const QList<qsizetype> total = set.classCounts();
        const QList<qsizetype> v = countsIn(set, split.validation), t = countsIn(set, split.test);
        for (qsizetype c = 0; c < total.size(); ++c) {
            QVERIFY(std::abs(double(v[c]) - validation * double(total[c])) <= 1.0);
            QVERIFY(std::abs(double(t[c]) - test * double(total[c])) <= 1.0);
        }
        // Same seed, same split; another seed, another split.
        QCOMPARE(splitStratified(set, options).fingerprint(), split.fingerprint());
        options.seed = 8;
        QVERIFY(splitStratified(set, options).fingerprint() != split.fingerprint());
    }

    void groupsNeverStraddle()
    {
        // 40 "volumes" of 10 slices each, two classes: slices of one volume must stay together.
        ImageSet set = labelled({200, 200});
        SplitOptions options;
        options.validation = 0.2;
        options.test = 0.2;
        for (qsizetype i = 0; i < set.count(); ++i)
            options.groups.push_back(i / 10);
        const DatasetSplit split = splitStratified(set, options);
        QList<QList<qsizetype>> volumes;
        for (qsizetype v = 0; v < 40; ++v) {
            QList<qsizetype> members;
            for (qsizetype i = v * 10; i < v * 10 + 10; ++i)
                members.append(i);
            volumes.append(members);
        }
        DatasetSummary summary;
        summary.duplicateGroups = volumes;
        QCOMPARE(summary.straddlingGroups(split), 0);
        QCOMPARE(qsizetype(split.test.size()), 80);
        QCOMPARE(qsizetype(split.validation.size()), 80);
        // Without groups, the same volumes do straddle: the check can fail.
        options.groups.clear();
        QVERIFY(summary.straddlingGroups(splitStratified(set, options)) > 0);
    }

    void duplicatesFoundByContent()
    {
        ImageSet set = labelled({3, 3});
        set.pixels[4] = set.pixels[0]; // image 4 (class 1) is a copy of image 0 (class 0)
        set.pixels[5] = set.pixels[0];
        const DatasetSummary summary = DatasetSummary::describe(set, DatasetSummary::pixelHashes(set));
        QCOMPARE(summary.duplicateGroups.size(), 1);
        QCOMPARE(summary.duplicateGroups.first(), QList<qsizetype>({0, 4, 5}));
        QCOMPARE(summary.duplicateImages(), 2);
        const std::vector<qint64> ids = duplicateGroupIds(set.count(), summary.duplicateGroups);
        QCOMPARE(ids[4], ids[0]);
        QVERIFY(ids[1] != ids[0]);
        const QJsonObject json = summary.toJson(set.files);
        QCOMPARE(json.value("duplicates").toArray().first().toObject().value("files").toArray().size(), 3);
        QCOMPARE(json.value("classes").toArray().size(), 2);
    }

    void savedSplitReloads()
    {
        const ImageSet set = labelled({50, 30});
        const DatasetSplit split = splitStratified(set, {});
        QTemporaryDir dir;
        split.save(dir.filePath("split.json"));
        const DatasetSplit back = DatasetSplit::load(dir.filePath("split.json"), set.count());
        QCOMPARE(back.train, split.train);
        QCOMPARE(back.validation, split.validation);
        QCOMPARE(back.fingerprint(), split.fingerprint());
        // Not a split of this dataset: refused with the reason.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, DatasetSplit::load(dir.filePath("split.json"), 10));
        QJsonObject json = split.toJson();
        QJsonArray train = json.value("train").toArray();
        train.append(train.first());
        json.insert("train", train);
        json.remove("fingerprint");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, DatasetSplit::fromJson(json, set.count()));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, DatasetSplit::load(dir.filePath("missing.json"), 10));
    }

    void balancing()
    {
        const ImageSet set = labelled({10, 3, 6});
        std::vector<qsizetype> all(size_t(set.count()));
        for (qsizetype i = 0; i < set.count(); ++i)
            all[size_t(i)] = i;
        const std::vector<qsizetype> over = balanceIndices(set, all, Balance::Oversample, 1);
        QCOMPARE(countsIn(set, over), QList<qsizetype>({10, 10, 10}));
        // Repeats indices, spreading the copies: each image of the smallest class 3 or 4 times.
        for (qsizetype i = 10; i < 13; ++i) {
            const auto n = std::count(over.begin(), over.end(), i);
            QVERIFY(n == 3 || n == 4);
        }
        const std::vector<qsizetype> under = balanceIndices(set, all, Balance::Undersample, 1);
        QCOMPARE(countsIn(set, under), QList<qsizetype>({3, 3, 3}));
        QCOMPARE(std::set<qsizetype>(under.begin(), under.end()).size(), size_t(9));
        QCOMPARE(balanceIndices(set, all, Balance::None, 1), all);
        QCOMPARE(balanceIndices(set, all, Balance::ClassWeights, 1), all);
        QCOMPARE(balanceFromName("oversample"), Balance::Oversample);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, balanceFromName("smote"));
    }
};

QTEST_GUILESS_MAIN(TestDatasetSplit)
#include "tst_datasetsplit.moc"
