"""Thirty hand-written clone pairs to plant into a copy of a real notebook corpus, and
the scoring of a tool's findings against them.

``duplicates_speed.py`` measures recall on real notebooks with these: each pair's two
copies become new code cells in two different notebooks, chosen with a fixed seed. A
tool finds a planted clone when one of its findings covers both planted cells.

* ``type-1``: the same code, only the comment line above it differs;
* ``type-2``: variables renamed consistently and literals changed (columns, sizes,
  thresholds, labels); attribute, method and keyword names stay, and so does the
  number of items in a list, tuple or dict;
* ``type-3``: a Type-2 copy with one statement added, removed or changed
  (:attr:`Snippet.edit` says which).

Every block is 5-10 statements of pandas / numpy / matplotlib / scikit-learn code, as
nbrefactor counts statements (a loop and each statement in its body count), and the
thirty are about thirty different jobs. The code is never run. Only the standard library
is needed::

    import sys; sys.path.insert(0, "benchmarks")
    from planted_clones import SNIPPETS, plant, recall

    plants = plant(root, notebooks, seed=17)   # writes the new cells into root
    recall(plants, findings)                   # {"type-1": 10, "type-2": 7, ...}
"""

# The snippets are notebook code, one statement a line; wrapping them would hide that.
# ruff: noqa: E501

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

CloneKind = Literal["type-1", "type-2", "type-3"]
KINDS: tuple[CloneKind, ...] = ("type-1", "type-2", "type-3")
DEFAULT_SEED = 17

__all__ = [
    "COVERAGE",
    "DEFAULT_SEED",
    "KINDS",
    "SNIPPETS",
    "Finding",
    "Hit",
    "Plant",
    "PlantedCell",
    "Snippet",
    "best_coverage",
    "coverage",
    "covers",
    "found",
    "plant",
    "recall",
]


@dataclass(frozen=True, slots=True)
class Snippet:
    """One planted clone: the code of its two copies."""

    kind: CloneKind
    name: str
    first: str
    second: str
    edit: str = ""  # type-3 only: the statement added, removed or changed


def _type1(name: str, first_comment: str, second_comment: str, code: str) -> Snippet:
    return Snippet("type-1", name, f"# {first_comment}\n{code}", f"# {second_comment}\n{code}")


_TYPE_1 = (
    _type1(
        "rolling z-score spikes",
        "smooth the readings before looking for drift",
        "same spike check on the second sensor export",
        """\
readings = readings.sort_values("timestamp")
readings["rolling_mean"] = readings["value"].rolling(window=24, min_periods=6).mean()
readings["rolling_std"] = readings["value"].rolling(window=24, min_periods=6).std()
readings["zscore"] = (readings["value"] - readings["rolling_mean"]) / readings["rolling_std"]
spikes = readings[readings["zscore"].abs() > 3]
print(f"{len(spikes)} spikes out of {len(readings)} readings")
fig, ax = plt.subplots(figsize=(12, 4))
ax.plot(readings["timestamp"], readings["rolling_mean"], label="24h mean")
ax.scatter(spikes["timestamp"], spikes["value"], color="red", s=10, label="spike")
ax.legend()""",
    ),
    _type1(
        "customer lifetime value",
        "lifetime value per customer",
        "TODO: move to utils",
        """\
orders["order_date"] = pd.to_datetime(orders["order_date"])
first_purchase = orders.groupby("customer_id")["order_date"].min().rename("first_purchase")
orders = orders.join(first_purchase, on="customer_id")
orders["tenure_days"] = (orders["order_date"] - orders["first_purchase"]).dt.days
lifetime = orders.groupby("customer_id").agg(revenue=("amount", "sum"), n_orders=("order_id", "nunique"), tenure=("tenure_days", "max"))
lifetime["value_per_order"] = lifetime["revenue"] / lifetime["n_orders"]
lifetime.sort_values("revenue", ascending=False).head(15)""",
    ),
    _type1(
        "normalised confusion matrix",
        "how often each class is mistaken for another",
        "confusion matrix (copied from the baseline notebook)",
        """\
predicted = classifier.predict(X_valid)
matrix = confusion_matrix(y_valid, predicted, normalize="true")
fig, ax = plt.subplots(figsize=(6, 6))
image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
for (row, col), share in np.ndenumerate(matrix):
    ax.text(col, row, f"{share:.2f}", ha="center", va="center")
ax.set_xlabel("predicted label")
ax.set_ylabel("true label")
fig.colorbar(image, ax=ax)""",
    ),
    _type1(
        "word frequencies",
        "most common words in the reviews",
        "word counts again, after the new scrape",
        """\
reviews["text"] = reviews["text"].fillna("").str.lower()
reviews["tokens"] = reviews["text"].str.findall(r"[a-z']+")
reviews["n_tokens"] = reviews["tokens"].str.len()
vocabulary = Counter(token for tokens in reviews["tokens"] for token in tokens)
common_words = pd.DataFrame(vocabulary.most_common(25), columns=["word", "count"])
common_words["share"] = common_words["count"] / sum(vocabulary.values())
common_words.plot.barh(x="word", y="share", figsize=(6, 8), legend=False)
plt.gca().invert_yaxis()""",
    ),
    _type1(
        "bootstrap interval",
        "bootstrap a 95% interval for the conversion rate",
        "interval for the treatment group",
        """\
rng = np.random.default_rng(7)
conversion = sessions["converted"].to_numpy()
boot_means = np.empty(2000)
for i in range(boot_means.size):
    sample = rng.choice(conversion, size=conversion.size, replace=True)
    boot_means[i] = sample.mean()
low, high = np.percentile(boot_means, [2.5, 97.5])
print(f"conversion {conversion.mean():.3%} (95% CI {low:.3%} to {high:.3%})")
plt.hist(boot_means, bins=50, alpha=0.7)
plt.axvline(conversion.mean(), color="black", linestyle="--")""",
    ),
    _type1(
        "weekday by hour heat map",
        "when are the trips taken?",
        "busy hours heat map",
        """\
trips["pickup"] = pd.to_datetime(trips["pickup"])
trips["weekday"] = trips["pickup"].dt.day_name()
trips["hour"] = trips["pickup"].dt.hour
busy = trips.pivot_table(index="weekday", columns="hour", values="trip_id", aggfunc="count")
busy = busy.reindex(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
plt.figure(figsize=(14, 5))
plt.pcolormesh(busy.columns, range(len(busy.index)), busy.values, shading="auto")
plt.yticks(range(len(busy.index)), busy.index)
plt.colorbar(label="trips")""",
    ),
    _type1(
        "PCA explained variance",
        "how many components do we need?",
        "PCA on the standardised measurements",
        """\
scaled = StandardScaler().fit_transform(measurements[feature_columns])
pca = PCA(n_components=0.95, svd_solver="full")
components = pca.fit_transform(scaled)
explained = np.cumsum(pca.explained_variance_ratio_)
print(f"{pca.n_components_} components keep {explained[-1]:.1%} of the variance")
plt.step(range(1, len(explained) + 1), explained, where="mid")
plt.xlabel("number of components")
plt.ylabel("cumulative explained variance")""",
    ),
    _type1(
        "survey clean-up",
        "tidy the survey answers",
        "same clean-up for the 2021 wave",
        """\
before = len(survey)
survey = survey.drop_duplicates(subset=["respondent_id"], keep="last")
survey.columns = survey.columns.str.strip().str.replace(" ", "_").str.lower()
survey["age"] = pd.to_numeric(survey["age"], errors="coerce")
survey = survey[survey["age"].between(18, 99)]
survey["country"] = survey["country"].astype("category")
print(f"dropped {before - len(survey)} rows, {len(survey)} left")""",
    ),
    _type1(
        "learning curve",
        "do more examples help?",
        "learning curve for the tuned model",
        """\
sizes, train_scores, valid_scores = learning_curve(model, X, y, cv=5, train_sizes=np.linspace(0.1, 1.0, 8), scoring="neg_root_mean_squared_error")
train_rmse = -train_scores.mean(axis=1)
valid_rmse = -valid_scores.mean(axis=1)
plt.plot(sizes, train_rmse, "o-", label="training")
plt.plot(sizes, valid_rmse, "s-", label="validation")
plt.fill_between(sizes, valid_rmse - valid_scores.std(axis=1), valid_rmse + valid_scores.std(axis=1), alpha=0.2)
plt.xlabel("training examples")
plt.legend(loc="upper right")""",
    ),
    _type1(
        "nested JSON records",
        "flatten the event export",
        "load the events (see the ingestion notebook)",
        """\
with open("events.json", encoding="utf-8") as handle:
    records = json.load(handle)
events = pd.json_normalize(records, record_path="items", meta=["event_id", "user"], errors="ignore")
events["price"] = events["price"].astype(float)
events["quantity"] = events["quantity"].fillna(1).astype(int)
events["line_total"] = events["price"] * events["quantity"]
per_user = events.groupby("user")["line_total"].sum().sort_values(ascending=False)
per_user.head(10)""",
    ),
)

_TYPE_2 = (
    Snippet(
        "type-2",
        "resampled growth",
        """\
sales["date"] = pd.to_datetime(sales["date"])
monthly = sales.set_index("date").resample("M")["revenue"].sum()
growth = monthly.pct_change() * 100
best_month = growth.idxmax()
print(f"best month: {best_month:%B %Y} (+{growth.max():.1f}%)")
ax = monthly.plot(figsize=(10, 4), marker="o")
ax.set_ylabel("revenue")
ax.axvline(best_month, color="green", linestyle=":")""",
        """\
bookings["checkin"] = pd.to_datetime(bookings["checkin"])
weekly = bookings.set_index("checkin").resample("W")["nights"].sum()
change = weekly.pct_change() * 100
peak_week = change.idxmax()
print(f"peak week: {peak_week:%d %B %Y} (+{change.max():.1f}%)")
ax = weekly.plot(figsize=(12, 3), marker="s")
ax.set_ylabel("nights booked")
ax.axvline(peak_week, color="orange", linestyle=":")""",
    ),
    Snippet(
        "type-2",
        "random forest with AUC",
        """\
X_train, X_test, y_train, y_test = train_test_split(features, target, test_size=0.2, random_state=42, stratify=target)
forest = RandomForestClassifier(n_estimators=300, max_depth=8, n_jobs=-1, random_state=42)
forest.fit(X_train, y_train)
probabilities = forest.predict_proba(X_test)[:, 1]
auc = roc_auc_score(y_test, probabilities)
print(f"test AUC: {auc:.3f}")
importances = pd.Series(forest.feature_importances_, index=features.columns)
importances.nlargest(12).plot.barh()""",
        """\
X_fit, X_holdout, y_fit, y_holdout = train_test_split(inputs, labels, test_size=0.25, random_state=0, stratify=labels)
trees = RandomForestClassifier(n_estimators=500, max_depth=12, n_jobs=-1, random_state=0)
trees.fit(X_fit, y_fit)
scores = trees.predict_proba(X_holdout)[:, 1]
roc = roc_auc_score(y_holdout, scores)
print(f"holdout AUC: {roc:.3f}")
weights = pd.Series(trees.feature_importances_, index=inputs.columns)
weights.nlargest(20).plot.barh()""",
    ),
    Snippet(
        "type-2",
        "missing-value report and fill",
        """\
missing = housing.isna().sum()
missing = missing[missing > 0].sort_values(ascending=False)
missing_share = (missing / len(housing) * 100).round(1)
report = pd.DataFrame({"missing": missing, "percent": missing_share})
print(report.to_string())
for column in report.index[report["percent"] < 5]:
    housing[column] = housing[column].fillna(housing[column].median())
housing = housing.drop(columns=report.index[report["percent"] > 40])""",
        """\
gaps = patients.isna().sum()
gaps = gaps[gaps > 0].sort_values(ascending=False)
gap_share = (gaps / len(patients) * 100).round(2)
summary = pd.DataFrame({"missing": gaps, "percent": gap_share})
print(summary.to_string())
for col in summary.index[summary["percent"] < 10]:
    patients[col] = patients[col].fillna(patients[col].median())
patients = patients.drop(columns=summary.index[summary["percent"] > 60])""",
    ),
    Snippet(
        "type-2",
        "interquartile outlier cut",
        """\
q1 = prices["price"].quantile(0.25)
q3 = prices["price"].quantile(0.75)
iqr = q3 - q1
lower, upper = q1 - 1.5 * iqr, q3 + 1.5 * iqr
outliers = prices[(prices["price"] < lower) | (prices["price"] > upper)]
prices = prices[prices["price"].between(lower, upper)]
print(f"removed {len(outliers)} outliers outside [{lower:.0f}, {upper:.0f}]")""",
        """\
first = flights["delay"].quantile(0.10)
third = flights["delay"].quantile(0.90)
spread = third - first
low_cut, high_cut = first - 3 * spread, third + 3 * spread
extreme = flights[(flights["delay"] < low_cut) | (flights["delay"] > high_cut)]
flights = flights[flights["delay"].between(low_cut, high_cut)]
print(f"dropped {len(extreme)} flights outside [{low_cut:.1f}, {high_cut:.1f}]")""",
    ),
    Snippet(
        "type-2",
        "one-hot encoding aligned across splits",
        """\
categorical = ["color", "size", "material"]
train_encoded = pd.get_dummies(train_df, columns=categorical, drop_first=True)
test_encoded = pd.get_dummies(test_df, columns=categorical, drop_first=True)
train_encoded, test_encoded = train_encoded.align(test_encoded, join="left", axis=1, fill_value=0)
print(train_encoded.shape, test_encoded.shape)
new_columns = sorted(set(train_encoded.columns) - set(train_df.columns))
print(new_columns[:10])""",
        """\
nominal = ["region", "channel", "device"]
fit_dummies = pd.get_dummies(fit_frame, columns=nominal, drop_first=False)
eval_dummies = pd.get_dummies(eval_frame, columns=nominal, drop_first=False)
fit_dummies, eval_dummies = fit_dummies.align(eval_dummies, join="left", axis=1, fill_value=0)
print(fit_dummies.shape, eval_dummies.shape)
added = sorted(set(fit_dummies.columns) - set(fit_frame.columns))
print(added[:5])""",
    ),
    Snippet(
        "type-2",
        "k-means elbow",
        """\
inertias = []
candidate_k = range(2, 11)
for k in candidate_k:
    kmeans = KMeans(n_clusters=k, n_init=10, random_state=1)
    kmeans.fit(scaled_points)
    inertias.append(kmeans.inertia_)
plt.plot(list(candidate_k), inertias, marker="o")
plt.xlabel("k")
plt.ylabel("inertia")
plt.title("elbow method")""",
        """\
distortions = []
cluster_range = range(1, 16)
for n in cluster_range:
    model_k = KMeans(n_clusters=n, n_init=5, random_state=3)
    model_k.fit(customer_matrix)
    distortions.append(model_k.inertia_)
plt.plot(list(cluster_range), distortions, marker="x")
plt.xlabel("clusters")
plt.ylabel("sum of squared distances")
plt.title("choosing the number of segments")""",
    ),
    Snippet(
        "type-2",
        "margin by category after a merge",
        """\
merged = orders.merge(products, on="product_id", how="left", validate="many_to_one")
merged["margin"] = merged["unit_price"] - merged["unit_cost"]
merged["profit"] = merged["margin"] * merged["quantity"]
by_category = merged.groupby("category").agg(total=("profit", "sum"), units=("quantity", "sum"))
by_category["per_unit"] = by_category["total"] / by_category["units"]
by_category = by_category.sort_values("total", ascending=False)
by_category.style.format({"total": "{:,.0f}", "per_unit": "{:.2f}"})""",
        """\
joined = rentals.merge(stations, on="station_id", how="left", validate="many_to_one")
joined["net_fare"] = joined["fare"] - joined["discount"]
joined["income"] = joined["net_fare"] * joined["riders"]
by_district = joined.groupby("district").agg(total=("income", "sum"), units=("riders", "sum"))
by_district["per_rider"] = by_district["total"] / by_district["units"]
by_district = by_district.sort_values("total", ascending=True)
by_district.style.format({"total": "{:,.1f}", "per_rider": "{:.3f}"})""",
    ),
    Snippet(
        "type-2",
        "calendar and cyclic hour features",
        """\
events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
events["year"] = events["timestamp"].dt.year
events["month"] = events["timestamp"].dt.month
events["day_of_week"] = events["timestamp"].dt.dayofweek
events["is_weekend"] = events["day_of_week"] >= 5
events["hour_sin"] = np.sin(2 * np.pi * events["timestamp"].dt.hour / 24)
events["hour_cos"] = np.cos(2 * np.pi * events["timestamp"].dt.hour / 24)""",
        """\
calls["started"] = pd.to_datetime(calls["started"], utc=False)
calls["yr"] = calls["started"].dt.year
calls["mon"] = calls["started"].dt.month
calls["weekday"] = calls["started"].dt.dayofweek
calls["weekend"] = calls["weekday"] >= 6
calls["clock_sin"] = np.sin(2 * np.pi * calls["started"].dt.hour / 24.0)
calls["clock_cos"] = np.cos(2 * np.pi * calls["started"].dt.hour / 24.0)""",
    ),
    Snippet(
        "type-2",
        "k-fold ridge regression",
        """\
fold_scores = []
splitter = KFold(n_splits=5, shuffle=True, random_state=11)
for train_idx, valid_idx in splitter.split(X_all):
    ridge = Ridge(alpha=1.0)
    ridge.fit(X_all[train_idx], y_all[train_idx])
    fold_scores.append(mean_absolute_error(y_all[valid_idx], ridge.predict(X_all[valid_idx])))
print(f"MAE {np.mean(fold_scores):.2f} ± {np.std(fold_scores):.2f}")""",
        """\
errors = []
folds = KFold(n_splits=10, shuffle=True, random_state=2024)
for fit_rows, check_rows in folds.split(design):
    regressor = Ridge(alpha=0.1)
    regressor.fit(design[fit_rows], response[fit_rows])
    errors.append(mean_absolute_error(response[check_rows], regressor.predict(design[check_rows])))
print(f"MAE over folds {np.mean(errors):.3f} ± {np.std(errors):.3f}")""",
    ),
    Snippet(
        "type-2",
        "price strings and host age",
        """\
listings["neighbourhood"] = listings["neighbourhood"].str.strip().str.title()
listings["price"] = listings["price"].str.replace("$", "", regex=False).str.replace(",", "", regex=False).astype(float)
listings["host_since"] = pd.to_datetime(listings["host_since"], format="%Y-%m-%d")
listings["host_years"] = (pd.Timestamp("2020-01-01") - listings["host_since"]).dt.days / 365.25
listings = listings.dropna(subset=["price", "host_years"])
listings.groupby("neighbourhood")["price"].median().nlargest(10)""",
        """\
hotels["city"] = hotels["city"].str.strip().str.title()
hotels["rate"] = hotels["rate"].str.replace("€", "", regex=False).str.replace(".", "", regex=False).astype(float)
hotels["opened"] = pd.to_datetime(hotels["opened"], format="%d/%m/%Y")
hotels["age_years"] = (pd.Timestamp("2023-06-30") - hotels["opened"]).dt.days / 365.0
hotels = hotels.dropna(subset=["rate", "age_years"])
hotels.groupby("city")["rate"].median().nlargest(5)""",
    ),
)

_TYPE_3 = (
    Snippet(
        "type-3",
        "correlations with the target",
        """\
numeric = wine.select_dtypes("number")
correlations = numeric.corr(method="spearman")
target_corr = correlations["quality"].drop("quality").sort_values()
strong = target_corr[target_corr.abs() > 0.2]
print(strong.round(3))
fig, ax = plt.subplots(figsize=(8, 5))
strong.plot.barh(ax=ax, color="steelblue")
ax.set_title("Spearman correlation with quality")""",
        """\
numbers = cars.select_dtypes("number")
corr_matrix = numbers.corr(method="pearson")
with_mpg = corr_matrix["mpg"].drop("mpg").sort_values()
notable = with_mpg[with_mpg.abs() > 0.4]
print(notable.round(2))
fig, ax = plt.subplots(figsize=(7, 4))
notable.plot.barh(ax=ax, color="darkorange")
ax.axvline(0, color="black", linewidth=0.8)
ax.set_title("Pearson correlation with mpg")""",
        edit="added ax.axvline(...) before the title",
    ),
    Snippet(
        "type-3",
        "cohort retention",
        """\
users["signup_month"] = users["signup_date"].dt.to_period("M")
activity = activity.merge(users[["user_id", "signup_month"]], on="user_id")
activity["months_since"] = (activity["active_month"] - activity["signup_month"]).apply(lambda offset: offset.n)
cohorts = activity.pivot_table(index="signup_month", columns="months_since", values="user_id", aggfunc="nunique")
retention = cohorts.divide(cohorts[0], axis=0)
plt.figure(figsize=(12, 6))
plt.imshow(retention, aspect="auto", cmap="viridis")
plt.colorbar(label="share still active")""",
        """\
members["joined_month"] = members["joined_at"].dt.to_period("M")
logins = logins.merge(members[["member_id", "joined_month"]], on="member_id")
logins["age_months"] = (logins["login_month"] - logins["joined_month"]).apply(lambda delta: delta.n)
table = logins.pivot_table(index="joined_month", columns="age_months", values="member_id", aggfunc="nunique")
kept = table.divide(table[0], axis=0)
plt.imshow(kept, aspect="auto", cmap="magma")
plt.colorbar(label="share of members returning")""",
        edit="removed plt.figure(...)",
    ),
    Snippet(
        "type-3",
        "SVM grid search",
        """\
param_grid = {"C": [0.1, 1, 10, 100], "gamma": ["scale", 0.01, 0.001]}
search = GridSearchCV(SVC(kernel="rbf"), param_grid, cv=5, scoring="f1_macro", n_jobs=-1)
search.fit(X_train_scaled, y_train)
print("best parameters:", search.best_params_)
print(f"best cross-validated F1: {search.best_score_:.3f}")
results = pd.DataFrame(search.cv_results_)
results.pivot(index="param_C", columns="param_gamma", values="mean_test_score").round(3)""",
        """\
grid = {"C": [1, 10, 100, 1000], "gamma": ["auto", 0.1, 0.05]}
tuner = GridSearchCV(SVC(kernel="rbf"), grid, cv=3, scoring="accuracy", n_jobs=-1)
tuner.fit(train_matrix, train_labels)
print("chosen:", tuner.best_params_)
print(f"mean accuracy across folds: {tuner.best_score_:.4f}")
table = pd.DataFrame(tuner.cv_results_)
table[["params", "mean_test_score", "std_test_score"]].sort_values("mean_test_score").tail(5)""",
        edit="changed the last statement (a pivot became a column selection)",
    ),
    Snippet(
        "type-3",
        "histogram grid",
        """\
columns_to_plot = ["age", "income", "balance", "duration"]
fig, axes = plt.subplots(2, 2, figsize=(10, 8))
for ax, column in zip(axes.ravel(), columns_to_plot):
    ax.hist(bank[column].dropna(), bins=40, color="gray", edgecolor="white")
    ax.set_title(column)
    ax.set_yscale("log")
fig.suptitle("distributions of the numeric columns")
fig.tight_layout()""",
        """\
to_show = ["tenure", "monthly_charges", "total_charges", "support_calls"]
fig, axes = plt.subplots(2, 2, figsize=(12, 9))
for axis, name in zip(axes.ravel(), to_show):
    axis.hist(telecom[name].dropna(), bins=30, color="teal", edgecolor="white")
    axis.axvline(telecom[name].median(), color="red", linestyle="--")
    axis.set_title(name)
    axis.set_yscale("log")
fig.suptitle("numeric features of the churn data")
fig.tight_layout()""",
        edit="added axis.axvline(...) inside the loop",
    ),
    Snippet(
        "type-3",
        "scaled linear regression",
        """\
numeric_cols = ["sqft", "bedrooms", "bathrooms", "lot_size"]
scaler = MinMaxScaler()
homes[numeric_cols] = scaler.fit_transform(homes[numeric_cols])
X = homes[numeric_cols].to_numpy()
y = np.log1p(homes["sale_price"].to_numpy())
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=5)
linear = LinearRegression().fit(X_train, y_train)
print(f"R^2 on test: {linear.score(X_test, y_test):.3f}")""",
        """\
inputs = ["engine_size", "horsepower", "weight", "mileage"]
normaliser = MinMaxScaler()
used_cars[inputs] = normaliser.fit_transform(used_cars[inputs])
features = used_cars[inputs].to_numpy()
target = used_cars["price"].to_numpy()
f_train, f_test, t_train, t_test = train_test_split(features, target, test_size=0.2, random_state=8)
line_fit = LinearRegression().fit(f_train, t_train)
print(f"test R^2: {line_fit.score(f_test, t_test):.2f}")""",
        edit="changed the target (no np.log1p)",
    ),
    Snippet(
        "type-3",
        "age brackets and rates",
        """\
bins = [0, 12, 18, 30, 45, 60, 120]
labels = ["child", "teen", "young adult", "adult", "middle aged", "senior"]
passengers["age_group"] = pd.cut(passengers["age"], bins=bins, labels=labels, right=False)
survival = passengers.groupby("age_group", observed=True)["survived"].agg(["mean", "size"])
survival.columns = ["survival_rate", "passengers"]
print(survival)
survival["survival_rate"].plot.bar(rot=45, ylim=(0, 1))""",
        """\
edges = [0, 25, 35, 50, 65, 80, 120]
names = ["under 25", "25-34", "35-49", "50-64", "65-79", "80+"]
voters = voters.dropna(subset=["age"])
voters["bracket"] = pd.cut(voters["age"], bins=edges, labels=names, right=False)
turnout = voters.groupby("bracket", observed=True)["voted"].agg(["mean", "size"])
turnout.columns = ["turnout", "voters"]
print(turnout)
turnout["turnout"].plot.bar(rot=0, ylim=(0, 1))""",
        edit="added a dropna(subset=...) before the cut",
    ),
    Snippet(
        "type-3",
        "lag features and a time split",
        """\
demand = demand.sort_values(["store", "date"])
for lag in (1, 7, 28):
    demand[f"lag_{lag}"] = demand.groupby("store")["units"].shift(lag)
demand["rolling_7"] = demand.groupby("store")["units"].transform(lambda s: s.shift(1).rolling(7).mean())
demand = demand.dropna(subset=["lag_28"])
train = demand[demand["date"] < "2019-01-01"]
valid = demand[demand["date"] >= "2019-01-01"]
print(len(train), len(valid))""",
        """\
load = load.sort_values(["meter", "day"])
for k in (1, 2, 7):
    load[f"lag_{k}"] = load.groupby("meter")["kwh"].shift(k)
load["ewm_mean"] = load.groupby("meter")["kwh"].transform(lambda x: x.shift(1).ewm(span=7).mean())
load = load.dropna(subset=["lag_7"])
fit_part = load[load["day"] < "2021-07-01"]
check_part = load[load["day"] >= "2021-07-01"]
print(len(fit_part), len(check_part))""",
        edit="changed the rolling mean into an exponentially weighted one",
    ),
    Snippet(
        "type-3",
        "loading many CSV files",
        """\
frames = []
for path in sorted(Path("data/raw").glob("*.csv")):
    try:
        part = pd.read_csv(path, parse_dates=["date"])
    except pd.errors.ParserError as error:
        print(f"skipping {path.name}: {error}")
        continue
    part["source"] = path.stem
    frames.append(part)
combined = pd.concat(frames, ignore_index=True)""",
        """\
pieces = []
for csv_file in sorted(Path("exports").glob("*.csv")):
    try:
        chunk = pd.read_csv(csv_file, parse_dates=["created"])
    except pd.errors.ParserError as problem:
        print(f"could not read {csv_file.name}: {problem}")
        continue
    pieces.append(chunk)
everything = pd.concat(pieces, ignore_index=True)""",
        edit="removed the source column inside the loop",
    ),
    Snippet(
        "type-3",
        "precision and recall by threshold",
        """\
thresholds = np.linspace(0.1, 0.9, 17)
precision_at, recall_at = [], []
for threshold in thresholds:
    flagged = fraud_scores >= threshold
    precision_at.append(precision_score(y_true, flagged, zero_division=0))
    recall_at.append(recall_score(y_true, flagged))
plt.plot(thresholds, precision_at, label="precision")
plt.plot(thresholds, recall_at, label="recall")
plt.legend()""",
        """\
cutoffs = np.linspace(0.05, 0.95, 19)
prec, rec = [], []
for cutoff in cutoffs:
    positive = spam_probability >= cutoff
    prec.append(precision_score(labels_test, positive, zero_division=0))
    rec.append(recall_score(labels_test, positive))
plt.plot(cutoffs, prec, label="precision")
plt.plot(cutoffs, rec, label="recall")
plt.axvline(0.5, color="gray", linestyle=":")
plt.legend()""",
        edit="added plt.axvline(...) before the legend",
    ),
    Snippet(
        "type-3",
        "recoded categories and rates",
        """\
education_map = {"Bachelors": "degree", "Masters": "degree", "Doctorate": "degree", "HS-grad": "school", "11th": "school"}
adults["education_level"] = adults["education"].map(education_map).fillna("other")
adults["high_income"] = (adults["income"] == ">50K").astype(int)
rates = adults.groupby("education_level")["high_income"].mean().sort_values()
counts = adults["education_level"].value_counts()
print(pd.concat([rates, counts], axis=1, keys=["share_high_income", "people"]))
rates.plot.bar(color=["gray", "steelblue", "navy"])""",
        """\
job_map = {"Engineer": "technical", "Developer": "technical", "Nurse": "care", "Teacher": "care", "Clerk": "office"}
staff["job_family"] = staff["job_title"].map(job_map).fillna("unknown")
staff["promoted"] = (staff["last_review"] == "promote").astype(int)
promotion = staff.groupby("job_family")["promoted"].mean().sort_values()
sizes = staff["job_family"].value_counts()
print(pd.concat([promotion, sizes], axis=1, keys=["promotion_rate", "staff"]))
plt.barh(promotion.index, promotion.values)""",
        edit="changed the plot call (Series.plot.bar became plt.barh)",
    ),
)

#: All thirty, ten of each kind.
SNIPPETS: tuple[Snippet, ...] = _TYPE_1 + _TYPE_2 + _TYPE_3


# -- planting ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlantedCell:
    """Where one copy landed: a notebook (relative to the corpus root), the cell's index
    among all cells from 0, and the cell's code lines (1-based; not blank, not comments)."""

    path: str
    cell: int
    code_lines: frozenset[int]


@dataclass(frozen=True, slots=True)
class Plant:
    snippet: Snippet
    first: PlantedCell
    second: PlantedCell


def code_line_numbers(source: str) -> frozenset[int]:
    """1-based numbers of the lines that are neither blank nor a comment."""
    return frozenset(
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    )


def _load(path: Path) -> dict[str, Any] | None:
    try:
        notebook = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(notebook, dict) or notebook.get("nbformat") != 4:
        return None
    return notebook if isinstance(notebook.get("cells"), list) else None


def _new_cell(source: str, notebook: dict[str, Any], cell_id: str) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }
    if notebook.get("nbformat_minor", 0) >= 5:
        cell["id"] = cell_id
    return cell


def _cell_index(notebook: dict[str, Any], source: str) -> int:
    for index, cell in enumerate(notebook["cells"]):
        text = cell.get("source", "")
        if (
            cell.get("cell_type") == "code"
            and ("".join(text) if isinstance(text, list) else text) == source
        ):
            return index
    raise LookupError("planted cell not found")


def plant(
    root: Path,
    notebooks: Sequence[Path],
    seed: int = DEFAULT_SEED,
    snippets: Sequence[Snippet] = SNIPPETS,
) -> tuple[Plant, ...]:
    """Insert each snippet's two copies as new code cells into two different notebooks.

    Args:
        root: the corpus folder (its notebooks are rewritten in place: plant into a copy).
        notebooks: the notebooks, relative to ``root``; only nbformat 4 ones are hosts.
        seed: chooses the host notebooks and where in them the cells go.
        snippets: what to plant.

    Returns:
        One :class:`Plant` per snippet, with the cells' final indices.
    """
    rng = random.Random(seed)
    loaded = {path: _load(root / path) for path in sorted(notebooks)}
    hosts = [path for path, notebook in loaded.items() if notebook is not None]
    if len(hosts) < 2:
        raise ValueError("planting needs at least two nbformat 4 notebooks")
    placed: list[tuple[Snippet, Path, Path]] = []
    for counter, snippet in enumerate(snippets):
        first_host, second_host = rng.sample(hosts, 2)
        copies = ((first_host, snippet.first, "a"), (second_host, snippet.second, "b"))
        for host, source, suffix in copies:
            notebook = loaded[host]
            assert notebook is not None
            position = rng.randint(0, len(notebook["cells"]))
            cell = _new_cell(source, notebook, f"planted-{counter:02d}-{suffix}")
            notebook["cells"].insert(position, cell)
        placed.append((snippet, first_host, second_host))
    changed = {host for _, first, second in placed for host in (first, second)}
    for host in changed:
        text = json.dumps(loaded[host], indent=1, ensure_ascii=False) + "\n"
        (root / host).write_text(text, encoding="utf-8")
    plants = []
    for snippet, first_host, second_host in placed:
        cells = []
        for host, source in ((first_host, snippet.first), (second_host, snippet.second)):
            notebook = loaded[host]
            assert notebook is not None
            index = _cell_index(notebook, source)
            cells.append(PlantedCell(host.as_posix(), index, code_line_numbers(source)))
        plants.append(Plant(snippet, cells[0], cells[1]))
    return tuple(plants)


# -- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """The part of one cell a finding reports: notebook, cell index, 1-based lines."""

    path: str
    cell: int
    lines: frozenset[int]


#: One finding of a tool (a clone class, a pair, a similar-lines group) as the cells it touches.
Finding = tuple[Hit, ...]


#: The share of a planted cell's code lines a finding must report to cover it. A tool
#: that reports only the part of a Type-3 copy before (or after) the edit, as two
#: unrelated exact clones, covers it only when the edit is near an end of the block.
COVERAGE = 0.75


def covers(finding: Finding, cell: PlantedCell) -> bool:
    """Whether the finding reports at least :data:`COVERAGE` of the cell's code lines."""
    needed = math.ceil(COVERAGE * len(cell.code_lines))
    return any(
        hit.path == cell.path
        and hit.cell == cell.cell
        and len(hit.lines & cell.code_lines) >= needed
        for hit in finding
    )


def found(plant: Plant, findings: Iterable[Finding]) -> bool:
    """Whether one finding covers both planted copies."""
    return any(covers(f, plant.first) and covers(f, plant.second) for f in findings)


def coverage(finding: Finding, cell: PlantedCell) -> float:
    """The share of the cell's code lines the finding reports."""
    reported = set().union(
        *(hit.lines for hit in finding if hit.path == cell.path and hit.cell == cell.cell)
    )
    return len(reported & cell.code_lines) / len(cell.code_lines)


def best_coverage(plant: Plant, findings: Iterable[Finding]) -> float:
    """Of the findings touching both copies, the best share covered of the worse copy."""
    return max(
        (min(coverage(f, plant.first), coverage(f, plant.second)) for f in findings),
        default=0.0,
    )


def recall(plants: Sequence[Plant], findings: Sequence[Finding]) -> dict[str, int]:
    """How many planted clones of each kind the findings find."""
    counts: dict[str, int] = dict.fromkeys(KINDS, 0)
    for planted in plants:
        if found(planted, findings):
            counts[planted.snippet.kind] += 1
    return counts
