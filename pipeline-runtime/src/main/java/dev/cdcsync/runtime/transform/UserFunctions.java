package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.runtime.definition.RuleDefinition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-defined functions of a pipeline ({@code pipeline.user-defined-function}: a {@code name}
 * and the {@code classpath} of a class), usable in projections and filters like the built-in
 * ones. A function is a public class with a public no-argument constructor and one or more public
 * {@code eval} methods; each call compiles to the {@code eval} whose parameters take the
 * arguments' types. Parameter and return types are the event model's value classes ({@link
 * DataTypeRoot}: String, Integer, Long, Boolean, Double, Float, BigDecimal, LocalDate, LocalTime,
 * LocalDateTime, Instant, UUID, byte[]) or their primitives; an {@code eval} that returns {@code
 * Object} names its type through {@code getReturnType()}, as Flink CDC's {@code
 * UserDefinedFunction} does. Optional {@code open()} runs before the first row, {@code close()}
 * when the pipeline stops. Flink CDC's functions work when Flink CDC's common jar is among the
 * plugins too; cdc-sync's own need only the JDK.
 *
 * <p>Not thread-safe: the pipeline transforms on one thread.
 */
public final class UserFunctions implements AutoCloseable {

  /** No user-defined functions. */
  public static final UserFunctions NONE = new UserFunctions(Map.of());

  private static final Logger LOG = LoggerFactory.getLogger(UserFunctions.class);

  /** The value class of each type root, and the type a returned value of that class has. */
  private static final Map<Class<?>, DataType> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put(String.class, DataType.of(DataTypeRoot.STRING));
    TYPES.put(Integer.class, DataType.of(DataTypeRoot.INT));
    TYPES.put(Long.class, DataType.of(DataTypeRoot.BIGINT));
    TYPES.put(Boolean.class, DataType.of(DataTypeRoot.BOOLEAN));
    TYPES.put(Double.class, DataType.of(DataTypeRoot.DOUBLE));
    TYPES.put(Float.class, DataType.of(DataTypeRoot.FLOAT));
    TYPES.put(BigDecimal.class, DataType.decimal(DataType.MAX_DECIMAL_PRECISION, 18));
    TYPES.put(LocalDate.class, DataType.of(DataTypeRoot.DATE));
    TYPES.put(LocalTime.class, DataType.of(DataTypeRoot.TIME));
    TYPES.put(LocalDateTime.class, DataType.of(DataTypeRoot.TIMESTAMP));
    TYPES.put(Instant.class, DataType.of(DataTypeRoot.TIMESTAMP_LTZ));
    TYPES.put(UUID.class, DataType.of(DataTypeRoot.UUID));
    TYPES.put(byte[].class, DataType.of(DataTypeRoot.BINARY));
  }

  private static final Map<Class<?>, Class<?>> BOXES =
      Map.of(
          int.class, Integer.class,
          long.class, Long.class,
          boolean.class, Boolean.class,
          double.class, Double.class,
          float.class, Float.class);

  /** One function: its instance and {@code eval} methods. */
  static final class Function {
    private final String name;
    private final String definedAt;
    private final Object instance;
    private final List<Method> evals;
    private boolean opened;

    private Function(String name, String definedAt, Object instance, List<Method> evals) {
      this.name = name;
      this.definedAt = definedAt;
      this.instance = instance;
      this.evals = evals;
    }

    String name() {
      return name;
    }

    /** Whether some {@code eval} takes that many arguments. */
    boolean takes(int count) {
      return evals.stream()
          .anyMatch(
              eval ->
                  eval.isVarArgs()
                      ? count >= eval.getParameterCount() - 1
                      : eval.getParameterCount() == count);
    }

    String arities() {
      return evals.stream().map(eval -> signature(eval)).sorted().collect(Collectors.joining(", "));
    }

    /** Compiles a call: picks the {@code eval} for the arguments' types, and its result type. */
    Typed compile(Call call) {
      Method eval = choose(call);
      DataType type = returnType(eval);
      List<Evaluator> arguments = new ArrayList<>();
      for (Typed argument : call.arguments()) {
        arguments.add(argument.evaluator());
      }
      Class<?>[] parameters = eval.getParameterTypes();
      boolean varArgs = eval.isVarArgs();
      open();
      Evaluator evaluator =
          (row, context) -> {
            Object[] values = new Object[arguments.size()];
            for (int i = 0; i < values.length; i++) {
              values[i] = arguments.get(i).evaluate(row, context);
              Class<?> parameter = parameterAt(parameters, varArgs, i);
              if (values[i] == null && parameter.isPrimitive()) {
                return null;
              }
            }
            Object result = invoke(eval, varArgs ? packVarArgs(parameters, values) : values);
            if (result != null && !valueClass(type).isInstance(result)) {
              throw new EvaluationException(
                  name
                      + " returned a "
                      + result.getClass().getName()
                      + " where its return type "
                      + type
                      + " takes a "
                      + valueClass(type).getName());
            }
            return type.root() == DataTypeRoot.DECIMAL && result instanceof BigDecimal decimal
                ? decimal.setScale(type.scale(), RoundingMode.HALF_UP)
                : result;
          };
      return call.result(type, evaluator);
    }

    private Method choose(Call call) {
      for (Method eval : evals) {
        if (accepts(eval, call.arguments())) {
          return eval;
        }
      }
      throw new ExpressionException(
          call.pos(),
          name
              + " ("
              + definedAt
              + ") has no eval method that takes ("
              + call.arguments().stream().map(Typed::typeName).collect(Collectors.joining(", "))
              + "); it has "
              + arities());
    }

    private static boolean accepts(Method eval, List<Typed> arguments) {
      Class<?>[] parameters = eval.getParameterTypes();
      int fixed = eval.isVarArgs() ? parameters.length - 1 : parameters.length;
      if (eval.isVarArgs() ? arguments.size() < fixed : arguments.size() != fixed) {
        return false;
      }
      for (int i = 0; i < arguments.size(); i++) {
        Class<?> parameter = parameterAt(parameters, eval.isVarArgs(), i);
        Typed argument = arguments.get(i);
        if (argument.isNullLiteral()) {
          continue;
        }
        Class<?> boxed = BOXES.getOrDefault(parameter, parameter);
        Class<?> value = valueClass(argument.type());
        if (value == null || !boxed.isAssignableFrom(value)) {
          return false;
        }
      }
      return true;
    }

    private DataType returnType(Method eval) {
      Class<?> returned = BOXES.getOrDefault(eval.getReturnType(), eval.getReturnType());
      DataType type = TYPES.get(returned);
      if (type != null) {
        return type;
      }
      String declared = declaredReturnType();
      if (declared != null) {
        DataType parsed = CastTypes.parse(declared);
        if (parsed == null) {
          throw new ConfigurationException(
              "User-defined function "
                  + name
                  + " ("
                  + definedAt
                  + "): its return type "
                  + declared
                  + " (getReturnType()) is none of "
                  + CastTypes.NAMES);
        }
        return parsed;
      }
      throw new ConfigurationException(
          "User-defined function "
              + name
              + " ("
              + definedAt
              + "): "
              + signature(eval)
              + " returns "
              + eval.getReturnType().getSimpleName()
              + ", which is none of the value types (String, Integer, Long, Boolean, Double,"
              + " Float, BigDecimal, LocalDate, LocalTime, LocalDateTime, Instant, UUID, byte[]),"
              + " and the class names no type through getReturnType()");
    }

    /** What {@code getReturnType()} says (a Flink CDC data type, as text), or null. */
    private String declaredReturnType() {
      try {
        Method method = instance.getClass().getMethod("getReturnType");
        Object type = method.invoke(instance);
        return type == null ? null : type.toString();
      } catch (NoSuchMethodException e) {
        return null;
      } catch (ReflectiveOperationException e) {
        throw new ConfigurationException(
            "User-defined function " + name + " (" + definedAt + "): getReturnType() failed: " + e,
            e);
      }
    }

    private Object invoke(Method eval, Object[] values) {
      try {
        return eval.invoke(instance, values);
      } catch (InvocationTargetException e) {
        throw new EvaluationException(
            name + " failed: " + e.getCause().getClass().getName(), e.getCause());
      } catch (IllegalAccessException | IllegalArgumentException e) {
        throw new EvaluationException(name + " could not be called: " + e.getMessage(), e);
      }
    }

    private void open() {
      if (opened) {
        return;
      }
      opened = true;
      callIfPresent("open");
    }

    /** Closes an opened function; a later compile (the pipeline's next attempt) opens it again. */
    private void close() {
      if (opened) {
        opened = false;
        callIfPresent("close");
      }
    }

    private void callIfPresent(String methodName) {
      Method method;
      try {
        method = instance.getClass().getMethod(methodName);
      } catch (NoSuchMethodException e) {
        return;
      }
      try {
        method.invoke(instance);
      } catch (InvocationTargetException e) {
        throw new ConfigurationException(
            "User-defined function "
                + name
                + " ("
                + definedAt
                + "): "
                + methodName
                + "() failed: "
                + e.getCause(),
            e.getCause());
      } catch (IllegalAccessException e) {
        throw new ConfigurationException(
            "User-defined function " + name + ": cannot call " + methodName + "(): " + e, e);
      }
    }
  }

  private final Map<String, Function> functions;

  private UserFunctions(Map<String, Function> functions) {
    this.functions = functions;
  }

  /**
   * Loads the functions a pipeline file defines, through {@code loader} (the plugins' class
   * loader): each class found, public, constructed, with an {@code eval}.
   *
   * @throws ConfigurationException naming the entry and its line
   */
  public static UserFunctions load(List<RuleDefinition> definitions, ClassLoader loader) {
    Map<String, Function> functions = new LinkedHashMap<>();
    for (RuleDefinition definition : definitions) {
      String name = definition.value("name").orElseThrow().toUpperCase(Locale.ROOT);
      String className = definition.value("classpath").orElseThrow();
      String definedAt = definition.describe();
      if (FunctionCatalog.find(name) != null) {
        throw new ConfigurationException(
            definedAt + ": '" + name + "' is a built-in function; give the function another name");
      }
      if (functions.containsKey(name)) {
        throw new ConfigurationException(definedAt + ": function '" + name + "' is defined twice");
      }
      functions.put(name, function(name, className, definedAt, loader));
    }
    return functions.isEmpty() ? NONE : new UserFunctions(functions);
  }

  private static Function function(
      String name, String className, String definedAt, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException(
          definedAt
              + ": class "
              + className
              + " of function "
              + name
              + " is not found; put its jar among the plugins (the lib directory beside"
              + " cdc-sync.jar, --plugins DIR or CDC_SYNC_PLUGINS)",
          e);
    } catch (LinkageError e) {
      throw new ConfigurationException(
          definedAt
              + ": class "
              + className
              + " of function "
              + name
              + " cannot be loaded: "
              + e
              + (e.toString().contains("org/apache/flink")
                  ? " (a Flink CDC function needs Flink CDC's common jar among the plugins too)"
                  : ""),
          e);
    }
    List<Method> evals =
        Arrays.stream(type.getMethods())
            .filter(method -> method.getName().equals("eval"))
            .filter(method -> !Modifier.isStatic(method.getModifiers()))
            .sorted(
                java.util.Comparator.comparing(Method::isVarArgs)
                    .thenComparing(UserFunctions::signature))
            .toList();
    if (evals.isEmpty()) {
      throw new ConfigurationException(
          definedAt + ": class " + className + " has no public eval method");
    }
    try {
      Object instance = type.getConstructor().newInstance();
      LOG.info("User-defined function {}: {} ({})", name, className, definedAt);
      return new Function(name, definedAt, instance, evals);
    } catch (InvocationTargetException e) {
      throw new ConfigurationException(
          definedAt + ": constructing " + className + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ConfigurationException(
          definedAt
              + ": class "
              + className
              + " needs a public constructor without arguments ("
              + e
              + ")",
          e);
    }
  }

  /** The function of that name (any case), or null. */
  Function find(String name) {
    return functions.get(name.toUpperCase(Locale.ROOT));
  }

  /** Calls each opened function's {@code close()}; a failure is logged. */
  @Override
  public void close() {
    for (Function function : functions.values()) {
      try {
        function.close();
      } catch (RuntimeException e) {
        LOG.warn("User-defined function {}: close() failed", function.name(), e);
      }
    }
  }

  private static String signature(Method eval) {
    return "eval("
        + Arrays.stream(eval.getParameterTypes())
            .map(Class::getSimpleName)
            .collect(Collectors.joining(", "))
        + ")";
  }

  private static Class<?> parameterAt(Class<?>[] parameters, boolean varArgs, int index) {
    return varArgs && index >= parameters.length - 1
        ? parameters[parameters.length - 1].getComponentType()
        : parameters[index];
  }

  private static Object[] packVarArgs(Class<?>[] parameters, Object[] values) {
    int fixed = parameters.length - 1;
    Object[] packed = new Object[parameters.length];
    System.arraycopy(values, 0, packed, 0, fixed);
    Class<?> component = parameters[fixed].getComponentType();
    Object rest = java.lang.reflect.Array.newInstance(component, values.length - fixed);
    for (int i = fixed; i < values.length; i++) {
      java.lang.reflect.Array.set(rest, i - fixed, values[i]);
    }
    packed[fixed] = rest;
    return packed;
  }

  /** The Java class of a type's values, or null for a type no eval parameter takes (ARRAY). */
  private static Class<?> valueClass(DataType type) {
    return switch (type.root()) {
      case BOOLEAN -> Boolean.class;
      case INT -> Integer.class;
      case BIGINT -> Long.class;
      case FLOAT -> Float.class;
      case DOUBLE -> Double.class;
      case DECIMAL -> BigDecimal.class;
      case STRING -> String.class;
      case BINARY -> byte[].class;
      case DATE -> LocalDate.class;
      case TIME -> LocalTime.class;
      case TIMESTAMP -> LocalDateTime.class;
      case TIMESTAMP_LTZ -> Instant.class;
      case UUID -> UUID.class;
      case ARRAY -> java.util.List.class;
    };
  }
}
