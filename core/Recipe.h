// Recipes: a training setup in a small JSON file (the keys of a run's config.json "config": dataset, hidden, latent,
// dropout, noise_type, noise, weight_decay, epochs, batch_size, lr, ...), plus an optional "name" and "description".
// `aestudio-cli train --recipe FILE`, the studio's File → Open recipe… / Save recipe… and its Recipes menu read and
// write them. A recipe may come from a stranger: it is read strictly (a regular file under 64 KB, a JSON object,
// only known keys, each of the right type, then the config's own validation) and errors name the file and the key.
#pragma once

#include "TrainingConfig.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace aestudio::Recipe {

struct Info {
    QString path;
    QString name;        // the recipe's "name", else its file name without .json
    QString description; // may be empty
};

// Reads and validates a recipe; throws ConfigError ("FILE: ...").
TrainingConfig load(const QString &path, Info *info = nullptr);
// Writes `config` as a recipe (atomically), without the machine's own settings (threads, device). Throws WriteError.
void save(const TrainingConfig &config, const QString &path, const QString &name = {}, const QString &description = {});

// Where recipes are found, first wins on equal file names: the user's (XDG data dir, aestudio/recipes: where Save
// recipe… suggests), the installed ones (<prefix>/share/aestudio/recipes beside the binary, then the XDG data dirs),
// and in a build tree the source's resources/recipes. Only folders that exist.
QStringList folders();
QString userFolder(); // the user's recipe folder (may not exist yet)
// Every readable recipe in those folders, by name; unreadable files are skipped.
QVector<Info> installed();

} // namespace aestudio::Recipe
