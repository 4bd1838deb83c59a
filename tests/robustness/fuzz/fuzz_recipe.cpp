// Fuzz target: the recipe parser (JSON text -> Recipe). Refusals are RecipeError; an accepted recipe must write
// itself back as JSON that parses to the same recipe.
#include "tests/robustness/fuzz/FuzzCheck.h"

#include "core/workbench/Recipe.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using prunelab::workbench::Recipe;
    using prunelab::workbench::RecipeError;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (!doc.isObject())
        return 0;
    try {
        const Recipe recipe = Recipe::fromJson(doc.object());
        const QJsonObject written = recipe.toJson();
        const Recipe again = Recipe::fromJson(written);
        PRUNELAB_FUZZ_CHECK(again.toJson() == written);
        for (qsizetype i = 0; i < recipe.compare.size(); ++i)
            Recipe::fromJson(recipe.variant(i).toJson()); // every variant is itself a valid recipe
    } catch (const RecipeError& e) {
        PRUNELAB_FUZZ_CHECK(e.what()[0] != '\0');
    }
    return 0;
}
